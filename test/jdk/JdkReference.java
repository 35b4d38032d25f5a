import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK reference for othername's differential test (test/jdk/differential.test.ts).
 *
 * Run as a single-file source program: {@code java test/jdk/JdkReference.java MANIFEST [AT]}. Each
 * manifest line is tab-separated and gives one JSON line on stdout:
 * <ul>
 *   <li>{@code chain ID PEER.pem ANCHORS.pem}: PEER.pem holds the peer's chain as a TLS Certificate
 *       message carries it (leaf first); ANCHORS.pem the trusted certificates. The chain is checked with
 *       the JDK's default TrustManagerFactory over a KeyStore of the anchors, with
 *       {@code checkClientTrusted} and {@code checkServerTrusted} (authType "UNKNOWN", what SunJSSE
 *       passes under TLS 1.3), at the current time, or at AT (an ISO-8601 instant) when given: the
 *       factory is then initialised with the PKIX parameters the KeyStore gives (its anchors,
 *       revocation off, as the trust manager sets them) and that date. The leaf's SAN values as
 *       {@code getSubjectAlternativeNames()} returns them are printed too, with Elasticsearch's reading
 *       of them.</li>
 *   <li>{@code decode ID CHARSET HEX}: the bytes decoded with {@code new String(bytes, CHARSET)}
 *       (Java's replacement rules for malformed input).</li>
 * </ul>
 * One JVM run serves every case, so the test stays fast.
 */
public class JdkReference {
    private static final String COMMON_NAME_OID = "2.5.4.3";

    /** The validation date (the second argument), or null: now. */
    private static Date at;

    public static void main(String[] args) throws Exception {
        if (args.length > 1) at = Date.from(java.time.Instant.parse(args[1]));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                args.length > 0 ? Files.newInputStream(Path.of(args[0])) : System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) continue;
                String[] f = line.split("\t", -1);
                StringBuilder json = new StringBuilder("{\"id\":").append(quote(f[1]));
                try {
                    if (f[0].equals("chain")) chain(factory, f[2], f[3], json);
                    else if (f[0].equals("decode")) json.append(",\"text\":").append(quote(new String(hex(f[3]), f[2])));
                    else json.append(",\"error\":").append(quote("unknown kind " + f[0]));
                } catch (Exception e) {
                    json.append(",\"error\":").append(quote(e.toString()));
                }
                out.println(json.append('}'));
            }
        }
        out.flush();
    }

    private static void chain(CertificateFactory factory, String peerFile, String anchorsFile, StringBuilder json) throws Exception {
        List<X509Certificate> peer;
        try {
            peer = read(factory, peerFile);
            if (peer.isEmpty()) throw new IllegalArgumentException("no certificate in " + peerFile);
        } catch (Exception e) {
            // The handshake fails decoding the Certificate message: the peer is refused both ways.
            String message = e.toString();
            json.append(",\"parse\":").append(quote(message));
            json.append(",\"client\":\"REJECT\",\"clientMessage\":").append(quote(message));
            json.append(",\"server\":\"REJECT\",\"serverMessage\":").append(quote(message));
            return;
        }
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        int n = 0;
        for (X509Certificate anchor : read(factory, anchorsFile)) anchors.setCertificateEntry("anchor" + n++, anchor);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (at == null) {
            tmf.init(anchors);
        } else {
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
            parameters.setRevocationEnabled(false);
            parameters.setDate(at);
            tmf.init(new CertPathTrustManagerParameters(parameters));
        }
        X509TrustManager tm = trustManager(tmf);
        X509Certificate[] chain = peer.toArray(new X509Certificate[0]);
        verdict(json, "client", () -> tm.checkClientTrusted(chain, "UNKNOWN"));
        verdict(json, "server", () -> tm.checkServerTrusted(chain, "UNKNOWN"));
        names(peer.get(0), json);
    }

    private interface Check { void run() throws Exception; }

    private static X509TrustManager trustManager(TrustManagerFactory tmf) {
        for (TrustManager t : tmf.getTrustManagers()) if (t instanceof X509TrustManager) return (X509TrustManager) t;
        throw new IllegalStateException("no X509TrustManager");
    }

    private static void verdict(StringBuilder json, String name, Check check) {
        try {
            check.run();
            json.append(",\"").append(name).append("\":\"ACCEPT\"");
        } catch (Exception e) {
            json.append(",\"").append(name).append("\":\"REJECT\",\"").append(name).append("Message\":").append(quote(e.toString()));
        }
    }

    /** The leaf's SAN as the JDK returns it, and the two Elasticsearch fields read from it. */
    private static void names(X509Certificate leaf, StringBuilder json) {
        List<String> raw = new ArrayList<>();
        List<String> commonNames = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        Collection<List<?>> san;
        try {
            san = leaf.getSubjectAlternativeNames();
        } catch (Exception e) {
            json.append(",\"sanError\":").append(quote(e.toString()));
            san = null;
        }
        if (san != null) {
            for (List<?> entry : san) {
                int type = (Integer) entry.get(0);
                Object value = entry.get(1);
                raw.add(type + ":" + (value instanceof byte[] ? hexOf((byte[]) value) : String.valueOf(value)));
                if (type == 0 && value instanceof byte[]) {
                    String name = elasticsearchCommonName((byte[]) value);
                    if (name != null) commonNames.add(name);
                } else if (type == 2 && value instanceof String) {
                    dns.add((String) value);
                }
            }
        }
        json.append(",\"sanNull\":").append(san == null);
        json.append(",\"san\":").append(array(raw));
        json.append(",\"otherNameCommonName\":").append(array(commonNames));
        json.append(",\"dns\":").append(array(dns));
    }

    /**
     * Elasticsearch's reading of one otherName as getSubjectAlternativeNames() returns it (DESIGN.md,
     * "Names a certificate carries"): SEQUENCE { type-id, [0] { value } } where the JDK's [0] wraps the
     * certificate's own value field; take the value, descend once when it is constructed, and decode
     * the string type found there with Java's charset decoders. Anything else skips the entry.
     */
    static String elasticsearchCommonName(byte[] encoded) {
        try {
            Der outer = Der.read(encoded, 0, encoded.length);
            if (!outer.constructed()) return null;
            Der typeId = Der.read(encoded, outer.contentStart, outer.end);
            if (typeId.tag != 0x06 || !oid(encoded, typeId).equals(COMMON_NAME_OID)) return null;
            Der wrapper = Der.read(encoded, typeId.end, outer.end);
            Der value = Der.read(encoded, wrapper.contentStart, wrapper.end);
            if (value.constructed()) value = Der.read(encoded, value.contentStart, value.end);
            byte[] content = java.util.Arrays.copyOfRange(encoded, value.contentStart, value.end);
            switch (value.tag) {
                case 0x0c: return new String(content, StandardCharsets.UTF_8);
                case 0x1e: return new String(content, StandardCharsets.UTF_16BE);
                case 0x12: case 0x13: case 0x15: case 0x16: case 0x19: case 0x1a: case 0x1b:
                    return new String(content, StandardCharsets.ISO_8859_1);
                case 0x04: return hexOf(content);
                default: return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** One DER TLV (single-byte tags, definite lengths). */
    private record Der(int tag, int contentStart, int end) {
        boolean constructed() { return (tag & 0x20) != 0; }

        static Der read(byte[] b, int offset, int limit) {
            if (offset + 2 > limit) throw new IllegalArgumentException("truncated");
            int tag = b[offset] & 0xff;
            int first = b[offset + 1] & 0xff;
            int length;
            int start;
            if (first < 0x80) {
                length = first;
                start = offset + 2;
            } else {
                int count = first & 0x7f;
                if (count == 0 || count > 4 || offset + 2 + count > limit) throw new IllegalArgumentException("bad length");
                length = 0;
                for (int i = 0; i < count; i++) length = (length << 8) | (b[offset + 2 + i] & 0xff);
                start = offset + 2 + count;
            }
            if (length < 0 || start + length > limit) throw new IllegalArgumentException("overrun");
            return new Der(tag, start, start + length);
        }
    }

    private static String oid(byte[] b, Der d) {
        StringBuilder s = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = d.contentStart; i < d.end; i++) {
            value = (value << 7) | (b[i] & 0x7f);
            if ((b[i] & 0x80) == 0) {
                if (first) {
                    long arc = Math.min(value / 40, 2);
                    s.append(arc).append('.').append(value - arc * 40);
                    first = false;
                } else {
                    s.append('.').append(value);
                }
                value = 0;
            }
        }
        return s.toString();
    }

    private static List<X509Certificate> read(CertificateFactory factory, String file) throws Exception {
        List<X509Certificate> certs = new ArrayList<>();
        for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(file))))) {
            certs.add((X509Certificate) c);
        }
        return certs;
    }

    private static byte[] hex(String text) {
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    private static String hexOf(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) s.append(String.format("%02x", b & 0xff));
        return s.toString();
    }

    private static String array(List<String> values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) s.append(i == 0 ? "" : ",").append(quote(values.get(i)));
        return s.append(']').toString();
    }

    /** A JSON string; every non-ASCII UTF-16 unit escaped, so lone surrogates survive. */
    private static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') s.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) s.append(String.format("\\u%04x", (int) c));
            else s.append(c);
        }
        return s.append('"').toString();
    }
}
