package io.etcetera.operator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short digest of everything in a member Pod that a rolling change replaces: image, commands,
 * member options, resources, pod template and TLS secrets. The initial-cluster flags are left out:
 * a member reads them only on its first start.
 */
public final class TemplateHash {

    private static final int HEX_CHARS = 12;

    private TemplateHash() {}

    public static String of(ResolvedSpec spec, MemberCommands commands) {
        String text = String.join("\n",
                spec.image(), commands.toString(), String.valueOf(spec.options()),
                String.valueOf(spec.resources()), String.valueOf(spec.podTemplate()),
                String.valueOf(spec.tls()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
