package org.ultrachat.platform.crypto;

import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.store.Database;

/**
 * Encryption at rest with AES-256-GCM (the JDK's {@code AES/GCM/NoPadding}). A sealed value is
 * {@code [1 byte format version][int32 key id][12-byte random nonce][ciphertext][16-byte tag]};
 * the associated data is the version, the key id and the {@link Binding}, so a value opens only
 * where it was sealed, and only unaltered. The newest data key seals; every stored key opens.
 *
 * <p>Data keys are random 256-bit keys stored in {@code data_keys}, wrapped by the
 * {@link MasterKey}. Thread-safe: one instance per process. {@code seal} and {@code open} are CPU
 * work only and may run on an event loop; the methods returning a {@link Future} do store I/O
 * without blocking.
 */
public final class DataProtection {
  private static final Logger LOG = LoggerFactory.getLogger(DataProtection.class);
  private static final int FORMAT_VERSION = 1;
  private static final int HEADER_BYTES = 1 + 4;
  private static final int ROTATE_ATTEMPTS = 10;

  private final DataKeys store;
  private final MasterKey master;
  private volatile Keyring ring = Keyring.EMPTY;

  /** The data keys this process holds; replaced as a whole, never changed in place. */
  private record Keyring(Map<Integer, SecretKey> keys, int current) {
    static final Keyring EMPTY = new Keyring(Map.of(), 0);

    Keyring with(int id, SecretKey key) {
      Map<Integer, SecretKey> more = new HashMap<>(keys);
      more.put(id, key);
      return new Keyring(Map.copyOf(more), Math.max(current, id));
    }
  }

  private DataProtection(DataKeys store, MasterKey master) {
    this.store = store;
    this.master = master;
  }

  /**
   * Loads and unwraps the stored data keys, creating key 1 when the store has none (processes
   * starting together on an empty store all end up with the same key 1).
   *
   * @return the service, or a future failed with {@link IllegalStateException} ("master key does
   *     not match the data keys in the store") when {@code master} did not wrap the stored keys
   */
  public static Future<DataProtection> open(Database db, MasterKey master) {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(master, "master");
    DataProtection protection = new DataProtection(new DataKeys(db), master);
    return protection.load()
        .compose(loaded -> loaded.keys().isEmpty() ? protection.createFirstKey() : Future.succeededFuture(loaded))
        .map(loaded -> {
          protection.adopt(loaded);
          return protection;
        });
  }

  private Future<Keyring> createFirstKey() {
    byte[] raw = AesGcm.randomBytes(AesGcm.KEY_BYTES);
    String wrapped = master.wrap(1, raw);
    Arrays.fill(raw, (byte) 0);
    return store.insert(1, wrapped).compose(inserted -> {
      if (inserted) {
        LOG.atInfo().addKeyValue("key_id", 1).log("created the first data key");
      }
      return load(); // when another process won the insert, its key 1 is the one to use
    }).map(loaded -> {
      if (loaded.keys().isEmpty()) {
        throw new IllegalStateException("data key 1 was created but the store does not return it");
      }
      return loaded;
    });
  }

  /**
   * Encrypts {@code plaintext} for the place {@code where} under the current data key.
   *
   * @return the sealed value, 33 bytes longer than {@code plaintext}
   */
  public byte[] seal(byte[] plaintext, Binding where) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(where, "where");
    Keyring keys = ring;
    byte[] out = new byte[HEADER_BYTES + AesGcm.OVERHEAD + plaintext.length];
    out[0] = FORMAT_VERSION;
    ByteBuffer.wrap(out).putInt(1, keys.current());
    AesGcm.seal(keys.keys().get(keys.current()), aad(out, where), plaintext, out, HEADER_BYTES);
    return out;
  }

  /**
   * Decrypts a value {@link #seal} produced for the same {@code where}. No I/O: a key rotated by
   * another process since the last load is not known here; {@link #openAsync} fetches it.
   *
   * @throws UnknownKey when the value names a key this process does not hold
   * @throws DecryptionFailed when the value was altered, sealed for another place, or is not a
   *     sealed value
   */
  public byte[] open(byte[] sealed, Binding where) {
    Objects.requireNonNull(sealed, "sealed");
    Objects.requireNonNull(where, "where");
    if (sealed.length < HEADER_BYTES + AesGcm.OVERHEAD) {
      throw new DecryptionFailed("value at " + where + " is too short to be a sealed value (" + sealed.length
          + " bytes)");
    }
    int version = sealed[0] & 0xff;
    if (version != FORMAT_VERSION) {
      throw new DecryptionFailed("value at " + where + " has unknown format version " + version
          + ": tampered, or not a sealed value");
    }
    int keyId = ByteBuffer.wrap(sealed).getInt(1);
    SecretKey key = ring.keys().get(keyId);
    if (key == null) {
      throw new UnknownKey(keyId, where);
    }
    try {
      return AesGcm.open(key, aad(sealed, where), sealed, HEADER_BYTES);
    } catch (AEADBadTagException e) {
      throw new DecryptionFailed("value at " + where + " does not authenticate under data key " + keyId
          + ": tampered or moved");
    }
  }

  /**
   * Like {@link #open}, but when the value names a key newer than any this process holds (rotated
   * by another process), reloads the keys from the store once and tries again. Only that reload
   * does I/O, without blocking.
   *
   * @return the plaintext, or a future failed with {@link DecryptionFailed} ({@link UnknownKey}
   *     when the reload did not bring the key) or with the store's error
   */
  public Future<byte[]> openAsync(byte[] sealed, Binding where) {
    try {
      return Future.succeededFuture(open(sealed, where));
    } catch (UnknownKey e) {
      if (e.keyId() <= ring.current()) {
        return Future.failedFuture(e); // key ids only grow: an older one missing now will not appear
      }
      return reload().map(loaded -> open(sealed, where));
    } catch (DecryptionFailed e) {
      return Future.failedFuture(e);
    }
  }

  /** @return {@link #seal} of the UTF-8 bytes of {@code plaintext}, in base64 */
  public String sealText(String plaintext, Binding where) {
    Objects.requireNonNull(plaintext, "plaintext");
    return Base64.getEncoder().encodeToString(seal(plaintext.getBytes(StandardCharsets.UTF_8), where));
  }

  /**
   * Opens what {@link #sealText} produced; see {@link #open}.
   *
   * @throws DecryptionFailed as {@link #open} does, and when {@code sealed} is not base64
   */
  public String openText(String sealed, Binding where) {
    return new String(open(decodeText(sealed, where), where), StandardCharsets.UTF_8);
  }

  /** Opens what {@link #sealText} produced; see {@link #openAsync}. */
  public Future<String> openTextAsync(String sealed, Binding where) {
    byte[] bytes;
    try {
      bytes = decodeText(sealed, where);
    } catch (DecryptionFailed e) {
      return Future.failedFuture(e);
    }
    return openAsync(bytes, where).map(plain -> new String(plain, StandardCharsets.UTF_8));
  }

  /** @return the id of the data key that seals now */
  public int currentKeyId() {
    return ring.current();
  }

  /**
   * Creates a new data key, one version above the newest, which seals from now on; values sealed
   * under older keys still open. Safe against other processes rotating at the same time: each
   * gets its own version.
   *
   * @return the new key's id
   */
  public Future<Integer> rotate() {
    return rotate(ring.current() + 1, ROTATE_ATTEMPTS);
  }

  private Future<Integer> rotate(int id, int attemptsLeft) {
    byte[] raw = AesGcm.randomBytes(AesGcm.KEY_BYTES);
    SecretKey key = AesGcm.key(raw);
    String wrapped = master.wrap(id, raw);
    Arrays.fill(raw, (byte) 0);
    return store.insert(id, wrapped).compose(inserted -> {
      if (inserted) {
        add(id, key);
        LOG.atInfo().addKeyValue("key_id", id).log("rotated data keys: the new key seals from now on");
        return Future.succeededFuture(id);
      }
      if (attemptsLeft <= 1) {
        return Future.failedFuture(new IllegalStateException("could not rotate data keys: other processes took "
            + ROTATE_ATTEMPTS + " versions in a row first"));
      }
      // Another process rotated since this one last loaded: learn its keys and take the next version.
      return reload().compose(loaded -> rotate(ring.current() + 1, attemptsLeft - 1));
    });
  }

  /**
   * Loads the stored data keys again, picking up keys that other processes created.
   *
   * @return a future failed with {@link IllegalStateException} when the keys no longer unwrap or
   *     the store holds none; the keys held so far stay in use
   */
  public Future<Void> reload() {
    return load().map(loaded -> {
      if (loaded.keys().isEmpty()) {
        throw new IllegalStateException("the store holds no data keys any more");
      }
      adopt(loaded);
      return null;
    });
  }

  private Future<Keyring> load() {
    return store.all().map(rows -> {
      Keyring loaded = Keyring.EMPTY;
      for (DataKeys.Stored row : rows) {
        loaded = loaded.with(row.id(), master.unwrap(row.id(), row.wrapped()));
      }
      return loaded;
    });
  }

  /** Takes a loaded keyring unless a concurrent, later load already brought a newer key. */
  private synchronized void adopt(Keyring loaded) {
    if (loaded.current() >= ring.current()) {
      ring = loaded;
    }
  }

  private synchronized void add(int id, SecretKey key) {
    ring = ring.with(id, key);
  }

  private static byte[] decodeText(String sealed, Binding where) {
    Objects.requireNonNull(sealed, "sealed");
    try {
      return Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new DecryptionFailed("value at " + where + " is not base64, so not a sealed text");
    }
  }

  /** Header (version and key id) then each part of the binding, length-prefixed so no two bindings collide. */
  private static byte[] aad(byte[] header, Binding where) {
    byte[] table = where.table().getBytes(StandardCharsets.UTF_8);
    byte[] column = where.column().getBytes(StandardCharsets.UTF_8);
    byte[] row = where.rowId().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(HEADER_BYTES + 12 + table.length + column.length + row.length)
        .put(header, 0, HEADER_BYTES)
        .putInt(table.length).put(table)
        .putInt(column.length).put(column)
        .putInt(row.length).put(row)
        .array();
  }
}
