/**
 * What pow's patches did to a file the team owns, in plain words for the plan's reason column
 * ("update    src/app.ts (mounts pow in the app)"), instead of the patch ids the generator
 * tracks them by (`entry:import-pow-config,entry:use-pow-routes`). The ids stay in the manifest.
 */

/** "a", "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The plain reason for a file patched by the patches `origin` (ids joined by commas). */
export function patchReason(origin: string): string {
  const keys: string[] = [];
  const dependencies: string[] = [];
  const schema: string[] = [];
  const phrases = new Set<string>();
  for (const id of origin.split(',').filter(Boolean)) {
    const colon = id.indexOf(':');
    const kind = colon === -1 ? id : id.slice(0, colon);
    const detail = colon === -1 ? '' : id.slice(colon + 1);
    if (kind === '.env' || kind === '.env.example') keys.push(detail);
    else if (kind === 'package.json') dependencies.push(detail);
    else if (kind === 'prisma') schema.push(...detail.split('+'));
    else if (kind === 'entry') phrases.add('mounts pow in the app');
    else if (kind === '.gitignore') phrases.add(`ignores ${detail}`);
    else if (kind === '.gitattributes') phrases.add("marks pow's own files as generated");
    else phrases.add("pow's lines added");
  }
  const parts: string[] = [];
  if (keys.length > 0) parts.push(`adds ${list([...new Set(keys)])}`);
  if (dependencies.length > 0)
    parts.push(`adds the ${dependencies.length === 1 ? 'dependency' : 'dependencies'} ${list(dependencies)}`);
  if (schema.length > 0) parts.push(`adds ${list([...new Set(schema)])} to the schema`);
  parts.push(...phrases);
  return parts.length > 0 ? parts.join('; ') : "pow's lines added";
}
