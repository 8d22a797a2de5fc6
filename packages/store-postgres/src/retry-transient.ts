/** Attempts of a statement that failed on a serialization failure or as a deadlock victim. */
const MAX_TRANSIENT_RETRIES = 20;

/**
 * A statement refused by a REPEATABLE READ or SERIALIZABLE session default
 * (40001), or chosen as a deadlock victim (40P01), wrote nothing, so it is run
 * again; its own guard (a checkpoint, a lease's owner and expiry) then
 * reports a real conflict for what it is.
 */
export async function retryTransient<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if ((code !== '40001' && code !== '40P01') || attempt >= MAX_TRANSIENT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
