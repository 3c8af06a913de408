package io.etcetera.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The Go type behind an etcd flag, which decides its syntax and its error message. Values parse to
 * {@link Boolean}, {@link String}, {@link Long}, {@link java.time.Duration}, {@code List<EtcdUrl>}
 * or {@code List<String>}; a value that does not parse throws {@link IllegalArgumentException}
 * whose message is what Go's flag package appends after {@code invalid value "x" for flag -name: }.
 */
enum FlagKind {
    /** Go {@code bool}: {@code 1 t T TRUE true True} and {@code 0 f F FALSE false False}. */
    BOOL,
    /** Go {@code string}. */
    STRING,
    /** Go {@code int}/{@code int64}: {@code strconv.ParseInt(s, 0, 64)}. */
    INT,
    /**
     * Go {@code uint}/{@code uint64}: {@code strconv.ParseUint(s, 0, 64)}. NB: values past {@link
     * Long#MAX_VALUE} are refused as out of range, a bound no etcd setting comes near.
     */
    UINT,
    /** etcd's {@code flags.Uint32Value}, whose errors are strconv's own. */
    UINT32,
    /** Go {@code time.Duration}. */
    DURATION,
    /**
     * etcd's {@code flags.UniqueURLs}: comma-separated URLs, sorted, each once; "" keeps the value.
     */
    URLS,
    /** etcd's {@code flags.UniqueStringsValue}: comma-separated, sorted, each once. */
    STRINGS,
    /** etcd's {@code flags.SelectiveStringValue}: one of a fixed set of words. */
    CHOICE,
    /**
     * etcd's {@code flags.IgnoredFlag}: a flag from older etcd that any value leaves without
     * effect.
     */
    IGNORED;

    private static final String PARSE_ERROR = "parse error";
    private static final String RANGE_ERROR = "value out of range";

    /**
     * Whether Go's flag package lets the flag stand without a value ({@code --client-cert-auth}).
     */
    boolean isBool() {
        return this == BOOL || this == IGNORED;
    }

    /** Parses one value; {@code choices} matters only for {@link #CHOICE}. */
    Object parse(String text, List<String> choices) {
        return switch (this) {
            case BOOL -> parseBool(text);
            case STRING, IGNORED -> text;
            case INT -> parseInteger(text, true, 64).longValueExact();
            case UINT -> parseUnsigned(text);
            case UINT32 -> parseUint32(text);
            case DURATION -> parseDuration(text);
            case URLS -> EtcdUrls.parseUnique(text);
            case STRINGS -> List.copyOf(new TreeSet<>(List.of(text.split(",", -1))));
            case CHOICE -> {
                if (!choices.contains(text)) {
                    throw new IllegalArgumentException("invalid value");
                }
                yield text;
            }
        };
    }

    private static Boolean parseBool(String text) {
        return switch (text) {
            case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
            case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException(PARSE_ERROR);
        };
    }

    private static Long parseUnsigned(String text) {
        BigInteger value = parseInteger(text, false, 64);
        if (value.bitLength() > 63) {
            throw new IllegalArgumentException(RANGE_ERROR);
        }
        return value.longValue();
    }

    private static Long parseUint32(String text) {
        try {
            return parseInteger(text, false, 32).longValue();
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage().equals(RANGE_ERROR) ? RANGE_ERROR : "invalid syntax";
            throw new IllegalArgumentException(
                    "strconv.ParseUint: parsing \"" + text + "\": " + reason, e);
        }
    }

    private static java.time.Duration parseDuration(String text) {
        try {
            return GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PARSE_ERROR, e);
        }
    }

    /**
     * Go's {@code strconv.Parse{Int,Uint}(s, 0, bits)}: an optional sign (signed only), then a base
     * prefix {@code 0x}, {@code 0o}, {@code 0b} or a leading {@code 0} for octal, digits, and
     * underscores between digits.
     */
    private static BigInteger parseInteger(String text, boolean signed, int bits) {
        String digits = text;
        boolean negative = false;
        if (signed && !digits.isEmpty() && (digits.charAt(0) == '+' || digits.charAt(0) == '-')) {
            negative = digits.charAt(0) == '-';
            digits = digits.substring(1);
        }
        int radix = 10;
        String lower = digits.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x") || lower.startsWith("0o") || lower.startsWith("0b")) {
            radix = lower.charAt(1) == 'x' ? 16 : lower.charAt(1) == 'o' ? 8 : 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.charAt(0) == '0') {
            radix = 8;
            digits = digits.substring(1);
        }
        if (!underscoresBetweenDigits(digits, radix != 10)) {
            throw new IllegalArgumentException(PARSE_ERROR);
        }
        digits = digits.replace("_", "");
        int base = radix;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
            throw new IllegalArgumentException(PARSE_ERROR);
        }
        BigInteger value = new BigInteger(digits, radix);
        value = negative ? value.negate() : value;
        BigInteger max =
                BigInteger.ONE.shiftLeft(signed ? bits - 1 : bits).subtract(BigInteger.ONE);
        BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        if (value.compareTo(max) > 0 || value.compareTo(min) < 0) {
            throw new IllegalArgumentException(RANGE_ERROR);
        }
        return value;
    }

    /** Go's rule: an underscore follows a digit or the base prefix, and precedes a digit. */
    private static boolean underscoresBetweenDigits(String digits, boolean afterPrefix) {
        if (digits.startsWith("_") && !afterPrefix) {
            return false;
        }
        return !digits.endsWith("_") && !digits.contains("__");
    }
}
