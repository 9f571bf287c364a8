import { ts, type SourceFile } from 'ts-morph';
import { ensureImport } from './ensure-import.js';
import { appCall, classifyStatement, findExpressApp, insertLineAfter } from './express-app.js';
import type { Codemod, PatchResult } from './project.js';
import { detectStyle, quoteString } from './style.js';

export interface EnsureViewEngineOptions {
  app?: string | null;
  /** Name to import ejs as (default "ejs"). */
  binding?: string;
}

function isEjsLiteral(node: ts.Node | undefined): boolean {
  return node !== undefined && ts.isStringLiteralLike(node) && node.text.replace(/^\./, '') === 'ejs';
}

/**
 * Ensures Express can render pow's `.ejs` views whatever engine the app uses: adds
 * `import ejs from 'ejs'` (or the require) and `app.engine('ejs', ejs.renderFile)` after the app's
 * configuration. Already present when the app registers an ejs engine (`app.engine('ejs', …)`) or
 * uses ejs as its view engine (`app.set('view engine', 'ejs')`).
 */
export function ensureViewEngine(opts: EnsureViewEngineOptions = {}): Codemod {
  return (file: SourceFile): PatchResult => {
    const binding = opts.binding ?? 'ejs';
    const sf = file.compilerNode;
    const style = detectStyle(sf.text, sf.fileName);
    const semi = style.semicolons ? ';' : '';
    const anchor = findExpressApp(sf, opts.app);
    const appName = anchor?.name ?? opts.app ?? 'app';
    const line = `${appName}.engine(${quoteString('ejs', style.quote)}, ${binding}.renderFile)${semi}`;
    if (!anchor) {
      return {
        status: 'not-applicable',
        why: `no top-level \`const ${appName} = express()\` found in ${sf.fileName.replace(/^\/project\//, '')}`,
        snippet: `import ${binding} from 'ejs';\n${line}`,
      };
    }
    for (const stmt of sf.statements) {
      const call = appCall(stmt, anchor.name);
      if (!call) continue;
      const [first, second] = call.call.arguments;
      if (call.method === 'engine' && isEjsLiteral(first)) return { status: 'already-present' };
      if (
        call.method === 'set' &&
        first &&
        ts.isStringLiteralLike(first) &&
        first.text === 'view engine' &&
        isEjsLiteral(second)
      ) {
        return { status: 'already-present' };
      }
    }
    const imported = ensureImport({ module: 'ejs', default: binding })(file);
    if (imported.status === 'not-applicable') return { ...imported, snippet: `${imported.snippet}\n${line}` };
    // Re-read the tree: the import may have shifted positions.
    const sf2 = file.compilerNode;
    const anchor2 = findExpressApp(sf2, opts.app)!;
    let after = anchor2.statement;
    for (const stmt of sf2.statements.slice(anchor2.index + 1)) {
      const kind = classifyStatement(stmt, anchor2.name);
      if (kind === 'stop' || kind === 'error-handler') break;
      const call = appCall(stmt, anchor2.name);
      // Engines go with the app settings, before middleware.
      if (kind === 'setup' && call && call.method !== 'use') after = stmt;
    }
    insertLineAfter(file, after, line);
    return { status: 'applied' };
  };
}
