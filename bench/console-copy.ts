import { spawnSync } from 'node:child_process';
import { BLOCK } from './console-dataset';

/**
 * Makes blocks 1 … blocks − 1 of the console benchmark's data set from block 0 inside FerretDB's SQLite
 * file (FerretDB stopped), with the `sqlite3` shell: far faster than inserting millions of documents
 * through FerretDB. FerretDB 1.x keeps a collection as a table of JSON documents (`_ferretdb_sjson`:
 * the document with its type schema under `$s`, a date as its ms) and its indexes as SQLite expression
 * indexes, which SQLite maintains on these inserts like on FerretDB's own. Every copied value keeps its
 * type; what changes is exactly what `console-dataset.ts` varies per block: the 6-hex-digit block
 * prefix of every key and user id, the registration number in login names and e-mails, every date.
 */
export function copyBlocks(sqliteFile: string, blocks: number, blockShiftMs: number): { seconds: number } {
  if (!Number.isInteger(blockShiftMs)) throw new Error(`a block's dates must shift by whole ms (${blockShiftMs})`);
  const began = Date.now();
  const tables = Object.fromEntries(
    sqlite(sqliteFile, `SELECT name, table_name FROM _ferretdb_collections;`)
      .trim()
      .split('\n')
      .map((line) => line.split('|')),
  ) as Record<string, string>;
  const users = BLOCK / 2;
  const shift = (path: string) => `'$.${path}', (j->>'$.${path}') + n * ${blockShiftMs}`;
  const history = `'$.history', json((SELECT json_group_array(json_set(value, '$.at', (value->>'at') + n * ${blockShiftMs})) FROM json_each(j, '$.history')))`;
  const prefixed = (path: string, before: string) =>
    `'$.${path}', '${before}' || printf('%06x', n) || substr(j->>'$.${path}', ${before.length + 7})`;
  const numbered = (path: string, after: string) =>
    `'$.${path}', 'user' || (substr(j->>'$.${path}', 5, length(j->>'$.${path}') - ${4 + after.length}) + n * ${users}) || '${after}'`;
  const changes: Record<string, string[]> = {
    messages: [
      prefixed('_id', ''),
      prefixed('messageKey', ''),
      prefixed('userId', 'u'),
      prefixed('workflowId', 'registration-u'),
      prefixed('body.userId', 'u'),
      numbered('body.loginName', ''),
      numbered('body.email', '@example.test'),
      history,
      shift('createdAt'),
      shift('updatedAt'),
    ],
    confirms: [prefixed('_id', ''), prefixed('messageKey', ''), history, shift('createdAt'), shift('updatedAt')],
    users: [
      prefixed('_id', 'u'),
      numbered('loginName', ''),
      numbered('email', '@example.test'),
      prefixed('workflowId', 'registration-u'),
      shift('createdAt'),
      shift('updatedAt'),
      shift('activatedAt'),
    ],
  };
  const script = [
    `CREATE TEMP TABLE copies AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${blocks - 1}) SELECT n FROM c;`,
    'BEGIN;',
    ...Object.entries(changes).flatMap(([collection, set]) => {
      const table = tables[collection];
      if (!table) throw new Error(`no table for the collection ${collection}`);
      return [
        `CREATE TEMP TABLE base AS SELECT _ferretdb_sjson AS j FROM "${table}";`,
        `INSERT INTO "${table}" (_ferretdb_sjson) SELECT json_set(j, ${set.join(', ')}) FROM copies, base ORDER BY n;`,
        'DROP TABLE base;',
      ];
    }),
    'COMMIT;',
    'PRAGMA wal_checkpoint(TRUNCATE);',
  ].join('\n');
  sqlite(sqliteFile, script);
  return { seconds: Math.round((Date.now() - began) / 1000) };
}

/** How many documents each collection holds, counted by SQLite (FerretDB's `count` decodes every document). */
export function collectionSizes(sqliteFile: string): Record<string, number> {
  const lines = sqlite(
    sqliteFile,
    `SELECT name, table_name FROM _ferretdb_collections WHERE name IN ('messages', 'confirms', 'users');`,
  )
    .trim()
    .split('\n')
    .map((line) => line.split('|'));
  return Object.fromEntries(
    lines.map(([name, table]) => [name, Number(sqlite(sqliteFile, `SELECT count(*) FROM "${table}";`).trim())]),
  );
}

/** SQLite's own check of the file: every index entry matches its row, no unique index is violated. */
export function integrityCheck(sqliteFile: string): { result: string; seconds: number } {
  const began = Date.now();
  const result = sqlite(sqliteFile, 'PRAGMA integrity_check;').trim();
  return { result, seconds: Math.round((Date.now() - began) / 1000) };
}

function sqlite(file: string, script: string): string {
  const run = spawnSync('sqlite3', ['-bail', file], { input: script, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error) throw new Error(`sqlite3 (the SQLite shell, 3.38 or later) is needed: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`sqlite3 failed: ${run.stderr}`);
  return run.stdout;
}
