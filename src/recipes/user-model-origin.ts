/**
 * Whose user model it is: pow's (it creates the model now, or created it in an earlier run) or the
 * app's (it existed before pow). pow puts its fields (sign-in ids, extension columns) on a model it
 * owns, as it always has; on the app's model it adds no scalar column, and what the model lacks
 * lives in the credential model (src/runtime/core/user-layout.ts). The schema edit and the config's
 * `credentialFields` both ask this module, so they agree.
 *
 * The answer for an earlier run comes from the manifest: the schema patch of the run that created
 * the model names it as a whole model (`prisma:User+UserCredential+PowSession`; a field is
 * `User.credential`), and patches stay recorded. In a multi-file schema, a model pow created is
 * declared in pow's own file (`pow.prisma`).
 */
import { posix } from 'node:path';
import type { Manifest } from '../generate/manifest.js';
import type { PrismaInfo } from '../inspect/project-info.js';
import { POW_SCHEMA_FILE } from '../prisma/ensure-auth-schema.js';
import { recordedSchemaLabels } from './schema-removals.js';

/** True when the user model `modelName` is pow's own (see the module comment). */
export function userModelIsPows(previous: Manifest | null, prisma: PrismaInfo, modelName: string): boolean {
  const model = prisma.userModel?.name === modelName ? prisma.userModel : null;
  if (model === null) return true;
  if (prisma.multiFile && model.file === posix.join(prisma.schemaPath, POW_SCHEMA_FILE)) return true;
  return recordedSchemaLabels(previous).has(modelName);
}
