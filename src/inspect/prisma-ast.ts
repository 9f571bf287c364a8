/**
 * @mrleebo/prisma-ast, loaded from its ES module build.
 *
 * The package entry is CommonJS and `require()`s chevrotain 11, which is ESM-only. Plain Node
 * 20.19+ copes (require of ESM), but tsx's require hook does not (ERR_PACKAGE_PATH_NOT_EXPORTED
 * for @chevrotain/utils), which would break every test run through tsx. The ESM build imports
 * chevrotain as ESM and works under both; its types are the package entry's.
 */
import type * as PrismaAst from '@mrleebo/prisma-ast';
// @ts-expect-error -- the ESM build has no .d.ts beside it; the types come from the import above.
import * as esmBuild from '@mrleebo/prisma-ast/dist/prisma-ast.esm.js';

export type * from '@mrleebo/prisma-ast';

const prismaAst = esmBuild as typeof PrismaAst;

export const getSchema: typeof PrismaAst.getSchema = prismaAst.getSchema;
export const printSchema: typeof PrismaAst.printSchema = prismaAst.printSchema;
