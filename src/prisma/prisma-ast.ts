/**
 * @mrleebo/prisma-ast, loaded from its ES module build.
 *
 * The package entry is CommonJS and `require()`s chevrotain 11, which is ESM-only. Plain Node 20.19+
 * copes (require of ESM), but tsx's require hook does not (ERR_PACKAGE_PATH_NOT_EXPORTED for
 * @chevrotain/utils), which breaks runs through tsx. The ESM build imports chevrotain as ESM and
 * works under both; its types are the package entry's. (Same approach as src/inspect/prisma-ast.ts.)
 */
import type * as PrismaAst from '@mrleebo/prisma-ast';
// @ts-expect-error -- the ESM build has no .d.ts beside it; the types come from the import above.
import * as esmBuild from '@mrleebo/prisma-ast/dist/prisma-ast.esm.js';

export type * from '@mrleebo/prisma-ast';

const prismaAst = esmBuild as typeof PrismaAst;

export const getSchema: typeof PrismaAst.getSchema = prismaAst.getSchema;
export const PrismaParser: typeof PrismaAst.PrismaParser = prismaAst.PrismaParser;
export const VisitorClassFactory: typeof PrismaAst.VisitorClassFactory = prismaAst.VisitorClassFactory;
