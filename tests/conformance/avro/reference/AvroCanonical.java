// Computes Parsing Canonical Form and CRC-64-AVRO fingerprints with Apache
// Avro's Java implementation (Debian package libavro-java), to produce the
// expected values hard-coded in tests/unit/schemas/avro_test.cc.
// Not run by CI. Usage (needs a JDK 11+ and libavro-java):
//   java -cp /usr/share/java/avro.jar:/usr/share/java/jackson-core-asl.jar:/usr/share/java/slf4j-api.jar:\
//     /usr/share/java/jackson-mapper-asl.jar AvroCanonical.java < schemas.jsonl
// Input: one schema per line (JSON). Output per line, tab-separated:
//   canonical form, fingerprint as 16 hex digits (unsigned), or ERROR<TAB>message.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

public class AvroCanonical {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      try {
        Schema s = new Schema.Parser().parse(line);
        String canonical = SchemaNormalization.toParsingForm(s);
        long fp = SchemaNormalization.parsingFingerprint64(s);
        System.out.println(canonical + "\t" + String.format("%016x", fp));
      } catch (Exception e) {
        System.out.println("ERROR\t" + e.getMessage());
      }
    }
  }
}
