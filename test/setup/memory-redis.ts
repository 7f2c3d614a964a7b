import type Redis from 'ioredis';

/**
 * An in-memory stand-in for the few Redis commands the delivery pipeline and the activation tokens use
 * (GET, MGET, SET with EX/PX/NX, DEL, MULTI…EXEC), with expiry on a clock the test moves. Unit tests check
 * the product's decisions with it; that Redis itself keeps the keys is proved by the integration tests.
 */
export class MemoryRedis {
  /** Milliseconds; `advance` moves it. */
  now = 1_000_000;
  private readonly entries = new Map<string, { value: string; expiresAt?: number }>();
  /** Every command as it ran: `['set', key, value, ...options]`, `['get', key]`, `['del', ...keys]`. */
  readonly commands: string[][] = [];

  advance(ms: number): void {
    this.now += ms;
  }

  /** The stored value, or undefined once deleted or expired. */
  peek(key: string): string | undefined {
    return this.live(key)?.value;
  }

  /** Milliseconds left before the key expires; undefined when it has no expiry or does not exist. */
  ttlMs(key: string): number | undefined {
    const entry = this.live(key);
    return entry?.expiresAt === undefined ? undefined : entry.expiresAt - this.now;
  }

  keys(): string[] {
    return [...this.entries.keys()].filter((k) => this.live(k));
  }

  async get(key: string): Promise<string | null> {
    this.commands.push(['get', key]);
    return Promise.resolve(this.live(key)?.value ?? null);
  }

  async mget(keys: string[]): Promise<(string | null)[]> {
    this.commands.push(['mget', ...keys]);
    return Promise.resolve(keys.map((key) => this.live(key)?.value ?? null));
  }

  async set(key: string, value: string, ...options: (string | number)[]): Promise<'OK' | null> {
    this.commands.push(['set', key, value, ...options.map(String)]);
    return Promise.resolve(this.setNow(key, value, options));
  }

  async del(...keys: string[]): Promise<number> {
    this.commands.push(['del', ...keys]);
    return Promise.resolve(this.delNow(keys));
  }

  /** Queued commands run together at `exec`, as in a Redis transaction. */
  multi() {
    const queued: (() => unknown)[] = [];
    const chain = {
      set: (key: string, value: string, ...options: (string | number)[]) => {
        queued.push(() => {
          this.commands.push(['set', key, value, ...options.map(String)]);
          return this.setNow(key, value, options);
        });
        return chain;
      },
      del: (...keys: string[]) => {
        queued.push(() => {
          this.commands.push(['del', ...keys]);
          return this.delNow(keys);
        });
        return chain;
      },
      exec: async () => Promise.resolve(queued.map((run) => [null, run()] as [null, unknown])),
    };
    return chain;
  }

  /** This stand-in, typed as the client the product's factories take. */
  asRedis(): Redis {
    return this as unknown as Redis;
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private setNow(key: string, value: string, options: (string | number)[]): 'OK' | null {
    let expiresAt: number | undefined;
    let onlyIfAbsent = false;
    for (let i = 0; i < options.length; i++) {
      const option = String(options[i]).toUpperCase();
      if (option === 'NX') onlyIfAbsent = true;
      else if (option === 'PX') expiresAt = this.now + Number(options[++i]);
      else if (option === 'EX') expiresAt = this.now + Number(options[++i]) * 1000;
      else throw new Error(`MemoryRedis: SET option ${option} is not supported`);
    }
    if (onlyIfAbsent && this.live(key)) return null;
    this.entries.set(key, { value, expiresAt });
    return 'OK';
  }

  private delNow(keys: string[]): number {
    return keys.filter((k) => this.live(k) && this.entries.delete(k)).length;
  }
}
