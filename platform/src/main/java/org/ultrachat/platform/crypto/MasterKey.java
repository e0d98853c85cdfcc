package org.ultrachat.platform.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.ConfigException;
import org.ultrachat.platform.config.NodeSettings;

/**
 * The operator's 256-bit master key. It only wraps and unwraps data keys and derives sub-keys
 * (such as the search key); data is never encrypted with it directly. Its bytes are never logged
 * nor shown by {@link #toString()}.
 */
public final class MasterKey {
  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
  private static final byte WRAP_VERSION = 1;
  private static final int WRAPPED_BYTES = 1 + AesGcm.OVERHEAD + AesGcm.KEY_BYTES;

  private final SecretKey key;
  private final String source;

  private MasterKey(SecretKey key, String source) {
    this.key = key;
    this.source = source;
  }

  /**
   * Reads the master key from {@code master-key}, else from {@code master-key-file}, else from
   * {@code data-dir/keys/master.key}, generating that file (owner-only permissions) with a
   * warning to back it up when it does not exist. Blocking file I/O: call it at start-up.
   *
   * @throws ConfigException when the key is not the base64 of exactly 32 bytes, or its file
   *     cannot be read or generated
   */
  public static MasterKey load(Config config) {
    Optional<String> inline = config.optional(NodeSettings.MASTER_KEY);
    if (inline.isPresent()) {
      return new MasterKey(decode(inline.get(), NodeSettings.MASTER_KEY.key()), NodeSettings.MASTER_KEY.key());
    }
    Optional<Path> file = config.optional(NodeSettings.MASTER_KEY_FILE).map(Path::of);
    if (file.isPresent()) {
      return fromFile(file.get(), NodeSettings.MASTER_KEY_FILE.key() + " " + file.get());
    }
    Path generated = config.dataDir().resolve("keys").resolve("master.key").toAbsolutePath().normalize();
    if (!Files.exists(generated)) {
      generate(generated);
    }
    return fromFile(generated, "master key file " + generated);
  }

  private static MasterKey fromFile(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new ConfigException(what + " does not exist");
    } catch (IOException e) {
      throw new ConfigException(what + " cannot be read: " + e);
    }
    return new MasterKey(decode(text.trim(), what), what);
  }

  private static SecretKey decode(String base64, String what) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(what + " must be the base64 of exactly 32 bytes (256 bits), "
          + "but it is not valid base64; generate one with: openssl rand -base64 32");
    }
    if (bytes.length != AesGcm.KEY_BYTES) {
      throw new ConfigException(what + " must be the base64 of exactly 32 bytes (256 bits), but it decodes to "
          + bytes.length + " bytes; generate one with: openssl rand -base64 32");
    }
    return AesGcm.key(bytes);
  }

  /**
   * Writes a new random key to {@code file}. The key is written and synced to a temporary file
   * first, then published with a hard link, which fails if the file exists: two processes
   * starting at once both end up with whichever key was published first, never a torn file.
   */
  private static void generate(Path file) {
    Path dir = file.getParent();
    Path tmp = dir.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(dir);
      boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
      FileAttribute<?>[] ownerOnly = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
          : new FileAttribute<?>[0];
      byte[] text = (Base64.getEncoder().encodeToString(AesGcm.randomBytes(AesGcm.KEY_BYTES)) + "\n")
          .getBytes(StandardCharsets.US_ASCII);
      try (FileChannel out = FileChannel.open(tmp,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
        out.write(ByteBuffer.wrap(text));
        // Data encrypted under this key is fsynced by the store; the key must be on disk first.
        out.force(true);
      }
      if (!publish(tmp, file)) {
        return; // another process published its key first; that is the one to use
      }
      syncDirectory(dir);
      LOG.atWarn().addKeyValue("file", file)
          .log("generated a new master key; back it up now and keep it apart from the database: "
              + "losing it makes all encrypted data unreadable");
    } catch (IOException e) {
      throw new ConfigException("cannot create the master key file " + file + " (" + e
          + "); make data-dir writable, or set master-key or master-key-file");
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a leftover temporary file holds a key nobody uses; harmless
      }
    }
  }

  /** @return false when {@code file} already existed */
  private static boolean publish(Path tmp, Path file) throws IOException {
    try {
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException noHardLinks) {
      try {
        Files.move(tmp, file); // not atomic against a concurrent creator, but refuses to replace
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    return true;
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can open a directory for syncing; the file itself is synced
    }
  }

  /** @return base64 of {@code version || nonce || AES-GCM(data key) || tag}, bound to {@code keyId} */
  String wrap(int keyId, byte[] dataKey) {
    byte[] out = new byte[WRAPPED_BYTES];
    out[0] = WRAP_VERSION;
    AesGcm.seal(key, wrapAad(keyId), dataKey, out, 1);
    return Base64.getEncoder().encodeToString(out);
  }

  /**
   * @return the data key stored as {@code keyId}
   * @throws IllegalStateException when this master key did not wrap it, or it is malformed
   */
  SecretKey unwrap(int keyId, String wrapped) {
    byte[] in;
    try {
      in = Base64.getDecoder().decode(wrapped);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("data key " + keyId + " in the store is not base64");
    }
    if (in.length != WRAPPED_BYTES || in[0] != WRAP_VERSION) {
      throw new IllegalStateException("data key " + keyId + " in the store is malformed");
    }
    try {
      byte[] raw = AesGcm.open(key, wrapAad(keyId), in, 1);
      try {
        return AesGcm.key(raw);
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
    } catch (AEADBadTagException e) {
      // The operator's configuration is wrong, not the store: exit 2 with the message, as for any setting.
      throw new ConfigException("master key does not match the data keys in the store (data key " + keyId
          + " does not unwrap); start with the master key this store was created with");
    }
  }

  /**
   * Derives a 256-bit sub-key for {@code label} with HKDF-SHA256 (RFC 5869: the master key as
   * input key material, no salt, the label's UTF-8 as info). The same master key and label always
   * give the same key; other labels give independent keys, and a sub-key reveals nothing of the
   * master key or of the data keys (which are random, not derived).
   *
   * @param label what the key is for, with a version, e.g. {@code "ultrachat search key v1"}
   * @return an {@code HmacSHA256} key
   * @throws IllegalArgumentException when {@code label} is blank
   */
  public SecretKey derive(String label) {
    Objects.requireNonNull(label, "label");
    if (label.isBlank()) {
      throw new IllegalArgumentException("a derived key needs a label saying what it is for");
    }
    byte[] ikm = key.getEncoded();
    byte[] okm = Hkdf.sha256(new byte[0], ikm, label.getBytes(StandardCharsets.UTF_8), AesGcm.KEY_BYTES);
    try {
      return new SecretKeySpec(okm, "HmacSHA256");
    } finally {
      Arrays.fill(ikm, (byte) 0);
      Arrays.fill(okm, (byte) 0);
    }
  }

  /** The wrapped key is bound to its format version and id, so it cannot be swapped for another. */
  private static byte[] wrapAad(int keyId) {
    return ByteBuffer.allocate(5).put(WRAP_VERSION).putInt(keyId).array();
  }

  @Override
  public String toString() {
    return "MasterKey(from " + source + ")";
  }
}
