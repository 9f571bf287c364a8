/**
 * Plain SQL against an e2e project's database (its SQLite file, PostgreSQL or MariaDB database),
 * for seeding the app's own rows and reading what pow stored, without the app's Prisma client.
 */
import type { E2EProject } from './e2e-project.js';
import { MARIADB } from './prisma-test-client.js';

/** Runs one statement; returns the rows of a query (double-quoted names become backticks on MariaDB). */
export async function projectSql(project: E2EProject, text: string): Promise<Record<string, unknown>[]> {
  if (project.db.provider === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const conn = new Database(project.db.name);
    try {
      const statement = conn.prepare(text);
      if (statement.reader) return statement.all() as Record<string, unknown>[];
      statement.run();
      return [];
    } finally {
      conn.close();
    }
  }
  if (project.db.provider === 'mysql') {
    const mariadb = await import('mariadb');
    const conn = await mariadb.createConnection({ ...MARIADB, database: project.db.name });
    try {
      const result: unknown = await conn.query(text.replaceAll('"', '`'));
      return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
    } finally {
      await conn.end();
    }
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: project.db.url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}
