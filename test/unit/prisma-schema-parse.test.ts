/**
 * Issue 22: a schema that Prisma accepts is never refused by pow's own parser. Each sample is
 * first checked with Prisma's schema engine (the diff from nothing must succeed: the engine
 * validates the schema as `prisma validate` does), then read with pow's parser and table model;
 * neither may throw, and the renamed user model's @@map is read (the table pow follows).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSchemas } from '../../src/prisma/schema-engine.js';
import { parseSchemaFiles, tableNameOf } from '../../src/prisma/schema-ast.js';
import { calculateTables } from '../../src/prisma/sql-model.js';

const HEAD = (provider: string) => `datasource db {\n  provider = "${provider}"\n}\n\n`;

const SAMPLES: { name: string; provider: 'sqlite' | 'postgresql'; body: string }[] = [
  {
    name: 'renamed model keeping its table, doc comments, braces in strings and comments',
    provider: 'sqlite',
    body: `/// The people who sign in { not a block }
model Account {
  id    Int    @id @default(autoincrement()) // trailing } comment
  email String @unique
  note  String @default("{ braces } and \\"quotes\\"")

  @@map("User")
}
`,
  },
  {
    name: 'enums with @map, composite ids, named relations, referential actions',
    provider: 'postgresql',
    body: `enum Role {
  ADMIN @map("admin")
  USER

  @@map("role")
}

model User {
  id     String @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  role   Role   @default(USER)
  posts  Post[] @relation("author")
  edited Post[] @relation("editor")
}

model Post {
  id       Int     @id @default(autoincrement())
  authorId String  @db.Uuid
  editorId String? @db.Uuid
  author   User    @relation("author", fields: [authorId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  editor   User?   @relation("editor", fields: [editorId], references: [id])
  tags     Tag[]
  title    String  @db.VarChar(255)

  @@unique([authorId, title], map: "post_author_title")
  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin)
}

model Tag {
  id    Int    @id @default(autoincrement())
  name  String
  scope String
  posts Post[]

  @@unique([name, scope])
}

model Membership {
  userId String @db.Uuid
  tagId  Int

  @@id([userId, tagId])
}
`,
  },
  {
    name: 'Unsupported types, @ignore, ignored models, JSON and decimal defaults',
    provider: 'postgresql',
    body: `model Place {
  id       Int                      @id
  location Unsupported("geometry")?
  meta     Json                     @default("{}")
  price    Decimal                  @default(0.00) @db.Decimal(10, 2)
  legacy   String?                  @ignore
}

model Old {
  id Int @id

  @@ignore
}
`,
  },
  {
    name: 'odd formatting: tabs, uneven indentation, no space before the brace, blank lines',
    provider: 'sqlite',
    body: `model User{
	id Int @id @default(autoincrement())


	email String @unique
      createdAt DateTime @default(now()) @map("created_at")
  @@map("users")
}
`,
  },
];

for (const sample of SAMPLES) {
  test(`pow's parser reads a schema Prisma accepts: ${sample.name}`, async () => {
    const schema = { 'prisma/schema.prisma': HEAD(sample.provider) + sample.body };
    // Prisma's own verdict first: the sample must be valid, or the test proves nothing.
    const sql = await diffSchemas(sample.provider, 'empty', schema);
    assert.match(sql, /CREATE TABLE/);
    const parsed = parseSchemaFiles(schema);
    assert.ok(parsed.models.length > 0);
    const tables = calculateTables(parsed, sample.provider);
    for (const table of tables)
      assert.ok(sql.includes(`"${table.name}"`), `${table.name} is a table Prisma creates`);
    const mapped = parsed.models.find(
      (m) => m.tableName !== null && m.blockAttributes.some((a) => a.name === 'map'),
    );
    if (mapped) assert.ok(sql.includes(`"${tableNameOf(mapped)}"`));
  });
}
