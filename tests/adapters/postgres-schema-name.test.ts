/**
 * PostgreSQL truncates an identifier to 63 bytes, not characters: two schema names of under 63
 * characters but over 63 bytes (non-ASCII) that share their first 63 bytes would name one schema,
 * and two radars meant to be isolated would share its tables. The adapter refuses such a name
 * (`CONFIG_INVALID`) before any statement; a name of exactly 63 bytes is used as it is.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPostgresStores, migrate, openPostgresStores } from 'scene-radar/adapters/postgres';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const database = fileTestDatabase();

describe('PostgreSQL schema names are measured in bytes', () => {
  const base = `sr_test_${'é'.repeat(30)}`; // 38 characters, 68 bytes
  const staging = `${base}_staging`;
  const production = `${base}_production`;

  it('refuses a name over 63 bytes (under 63 characters) with CONFIG_INVALID, touching nothing', async () => {
    const { pool } = await database();
    expect(staging.length).toBeLessThan(63);
    expect(Buffer.byteLength(staging, 'utf8')).toBeGreaterThan(63);
    const truncated = async (): Promise<unknown[]> =>
      (await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sr\\_test\\_é%'`)).rows;
    try {
      await check();
      expect(await truncated()).toEqual([]);
    } finally {
      // Before the fix, the name was created truncated: never leave it behind.
      for (const row of (await truncated()) as { nspname: string }[])
        await pool.query(`DROP SCHEMA IF EXISTS "${row.nspname}" CASCADE`);
    }
  });
  async function check(): Promise<void> {
    const { pool } = await database();
    for (const schema of [staging, production]) {
      const refusal = { code: 'CONFIG_INVALID', message: expect.stringMatching(/63 bytes/) };
      await expect(migrate({ connectionString: TEST_DATABASE_URL, schema })).rejects.toMatchObject(refusal);
      await expect(migrate({ pool, schema })).rejects.toMatchObject(refusal);
      const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL }, { schema, migrate: true });
      await expect(stores.ready()).rejects.toMatchObject(refusal);
      await expect(stores.scenes.scenes.scan()).rejects.toMatchObject(refusal);
      await stores.close();
      await expect(openPostgresStores({ pool, schema })).rejects.toMatchObject(refusal);
    }
  }

  it('takes a non-ASCII name of exactly 63 bytes as it is', async () => {
    const { pool } = await database();
    const schema = `sr_test_${randomBytes(2).toString('hex')}_${'é'.repeat(25)}`; // 13 + 50 = 63 bytes
    expect(Buffer.byteLength(schema, 'utf8')).toBe(63);
    try {
      const stores = await openPostgresStores({ pool, schema }, { migrate: true });
      expect(await stores.scenes.scenes.scan()).toEqual([]);
      await stores.close();
      const { rows } = await pool.query('SELECT nspname FROM pg_namespace WHERE nspname = $1', [schema]);
      expect(rows).toEqual([{ nspname: schema }]);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});
