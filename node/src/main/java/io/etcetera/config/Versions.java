package io.etcetera.config;

/**
 * The versions a member reports. Etcetera speaks etcd 3.4's API, so clients that check the server
 * version ({@code Maintenance.Status}, {@code /version}) see the etcd release it is compatible
 * with; its own version is printed beside it by {@code --version}. Constants.
 */
public final class Versions {

    /**
     * The etcd release whose API and behaviour Etcetera follows; {@code etcdserver} in /version.
     */
    public static final String ETCD_SERVER = "3.4.23";

    /** The cluster version etcd 3.4 members agree on; {@code etcdcluster} in /version. */
    public static final String ETCD_CLUSTER = "3.4.0";

    private Versions() {}

    /** Etcetera's own version, from the jar manifest; {@code dev} when run from classes. */
    public static String etcetera() {
        String version = Versions.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** The text of {@code --version}, in the shape of etcd's. */
    static String text() {
        return "etcetera Version: "
                + etcetera()
                + "\n"
                + "etcd API Version: "
                + ETCD_SERVER
                + "\n"
                + "Java Version: "
                + Runtime.version()
                + "\n"
                + "OS/Arch: "
                + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT)
                + "/"
                + System.getProperty("os.arch")
                + "\n";
    }
}
