/** The command that prints a good POW_SECRET; shown by the runtime's start-up error and by the CLI. */
export const SECRET_COMMAND = `node -p "require('node:crypto').randomBytes(48).toString('base64url')"`;
