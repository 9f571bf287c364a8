import type { SourceFile } from 'ts-morph';
import {
  argsText,
  classifyStatement,
  findExpressApp,
  insertLineAfter,
  topLevelAppCalls,
} from './express-app.js';
import type { Codemod, PatchResult } from './project.js';
import { detectStyle, restyleSnippet, sameCode } from './style.js';

export interface EnsureAppUseOptions {
  /** Arguments of the call as code, written with single quotes: `pow.middleware()`, `powRoutes`. */
  args: string;
  /** Variable holding the app (from ProjectInfo.entry.appVariable); default: found from `express()`. */
  app?: string | null;
}

/**
 * Ensures `app.use(<args>)` in the app entry, placed where pow's middleware must run: after the
 * app is created and after its configuration (`app.set`, body parsers, sessions, static files and
 * other `app.use(factory())` middleware), before the app's own routes, routers, error handlers,
 * `listen` and exports, so routes such as `/dashboard` can be protected. Calling it again for the
 * routes (`app.use(powRoutes)`) puts the routes right after the middleware.
 *
 * Already present when a top-level `app.use(...)` has the same arguments (whitespace and quote kind
 * ignored). Not applicable (with the snippet) when no top-level `express()` app is found.
 */
export function ensureAppUse(opts: EnsureAppUseOptions): Codemod {
  return (file: SourceFile): PatchResult => {
    const sf = file.compilerNode;
    const style = detectStyle(sf.text, sf.fileName);
    const semi = style.semicolons ? ';' : '';
    const anchor = findExpressApp(sf, opts.app);
    const appName = anchor?.name ?? opts.app ?? 'app';
    const line = `${appName}.use(${restyleSnippet(opts.args, style.quote)})${semi}`;
    if (!anchor) {
      return {
        status: 'not-applicable',
        why: `no top-level \`const ${appName} = express()\` found in ${sf.fileName.replace(/^\/project\//, '')}`,
        snippet: `${line}  // after the app is created, before your routes`,
      };
    }
    if (topLevelAppCalls(sf, anchor.name, 'use').some((call) => sameCode(argsText(sf, call), opts.args))) {
      return { status: 'already-present' };
    }
    let after = anchor.statement;
    for (const stmt of sf.statements.slice(anchor.index + 1)) {
      const kind = classifyStatement(stmt, anchor.name);
      if (kind === 'stop' || kind === 'error-handler') break;
      if (kind === 'setup') after = stmt;
    }
    insertLineAfter(file, after, line);
    return { status: 'applied' };
  };
}
