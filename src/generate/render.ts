import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import { Script } from 'node:vm';
import { invalidProjectPath, templateNotFound, templateRenderFailed } from './errors.js';
import { POW_DIR } from './paths.js';

/**
 * Generator-pass ejs options. Tags are `{% %}` (`{%= %}` escaped, `{%- %}` raw, `-%}` trims the
 * newline), so templates of EJS views can contain ordinary `<% %>` that Express renders at run
 * time. A literal `{%` or `%}` in emitted text is written `{%%` / `%%}`. Data is read from `it`
 * (no `with`, strict mode), and reading a property `it` does not have throws: typos fail loudly.
 */
export const TEMPLATE_OPTIONS = {
  delimiter: '%',
  openDelimiter: '{',
  closeDelimiter: '}',
  strict: true,
  _with: false,
  localsName: 'it',
  rmWhitespace: false,
} as const;

/** pow's own templates folder (shipped in the package; `templates/` next to `src/` and `dist/`). */
export const POW_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Where project overrides live (`pow eject` copies templates here). */
export const PROJECT_TEMPLATES_DIR = `${POW_DIR}/templates`;

export interface ResolvedTemplate {
  /** Template id: path relative to the templates folder, e.g. "install/pow/config.ts.ejs". */
  id: string;
  /** Absolute path of the file used. */
  file: string;
  source: 'project' | 'pow';
  text: string;
}

/** Finds a template: `<project>/.pow/templates/<id>` first (ejected override), then pow's own. */
export function resolveTemplate(
  id: string,
  opts: { projectRoot?: string; templatesDir?: string } = {},
): ResolvedTemplate {
  const candidates: { file: string; source: 'project' | 'pow' }[] = [];
  if (opts.projectRoot)
    candidates.push({ file: join(opts.projectRoot, PROJECT_TEMPLATES_DIR, id), source: 'project' });
  candidates.push({ file: join(opts.templatesDir ?? POW_TEMPLATES_DIR, id), source: 'pow' });
  for (const c of candidates) {
    if (existsSync(c.file)) return { id, file: c.file, source: c.source, text: readFileSync(c.file, 'utf8') };
  }
  throw templateNotFound(
    id,
    candidates.map((c) => c.file),
  );
}

/** Wraps template data so reading a missing top-level property throws (ejs strict mode only catches bare names). */
function strictData(data: object): object {
  return new Proxy(data, {
    get(target, prop, receiver) {
      if (typeof prop === 'symbol' || prop in target) return Reflect.get(target, prop, receiver);
      throw new ReferenceError(`it.${prop} is not defined`);
    },
  });
}

/**
 * Template line of a compile (syntax) error, which ejs reports without one: the generated function
 * is parsed again with node:vm to find the failing line, then mapped back through the `__line = N`
 * markers ejs writes into it. Null when it cannot be located.
 */
function syntaxErrorLine(text: string): number | null {
  try {
    const template = new ejs.Template(text, { ...TEMPLATE_OPTIONS }) as unknown as {
      generateSource(): void;
      source: string;
    };
    template.generateSource();
    const source = template.source;
    try {
      new Script(`(function (it, escapeFn, include, rethrow) {\n${source}\n})`, { filename: 'template.js' });
      return null;
    } catch (error) {
      const at = /template\.js:(\d+)/.exec(String((error as Error).stack));
      if (!at) return null;
      const lines = source.split('\n').slice(0, Number(at[1]) - 1);
      for (let i = lines.length - 1; i >= 0; i -= 1) {
        const marker = /__line = (\d+)/.exec(lines[i]);
        if (marker) return Number(marker[1]);
      }
      return null;
    }
  } catch {
    return null;
  }
}

/**
 * Renders template text with `data` as `it`. Errors become POW_TEMPLATE_RENDER_FAILED naming the
 * template id and the line. Pure apart from `include` reading sibling files.
 */
export function renderTemplate(text: string, data: object, opts: { id: string; file?: string }): string {
  let fn: (data: object) => string;
  try {
    fn = ejs.compile(text, {
      ...TEMPLATE_OPTIONS,
      filename: opts.file ?? opts.id,
      async: false,
    }) as unknown as (data: object) => string;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw templateRenderFailed(
      opts.id,
      syntaxErrorLine(text),
      message.replace(/ in \S+ while compiling ejs$/, ' (while compiling)'),
      error,
    );
  }
  try {
    return fn(strictData(data));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const located = /^[^\n]*:(\d+)\n[\s\S]*?\n\n([\s\S]*)$/.exec(message);
    if (located) throw templateRenderFailed(opts.id, Number(located[1]), located[2], error);
    throw templateRenderFailed(opts.id, null, message, error);
  }
}

/**
 * Maps a template path to its output path: `__token__` segments/parts are replaced from `tokens`
 * (a segment that is exactly a token with an empty value disappears, so the default namespace
 * emits `pow/...` and `admin` emits `admin/pow/...`), and one trailing `.ejs` is stripped
 * (`new.ejs.ejs` → `new.ejs`). `prefix` (e.g. the source dir) is prepended.
 */
export function templateOutputPath(
  templatePath: string,
  opts: { tokens?: Record<string, string>; prefix?: string } = {},
): string {
  const tokens = opts.tokens ?? {};
  for (const [name, value] of Object.entries(tokens)) {
    if (value.split('/').some((s) => s === '..' || s === '.' || (s === '' && value !== ''))) {
      throw invalidProjectPath(templatePath, `token __${name}__ has an unsafe value "${value}"`);
    }
  }
  const replace = (segment: string): string =>
    segment.replace(/__([A-Za-z][A-Za-z0-9]*)__/g, (_m, name: string) => {
      const value = tokens[name];
      if (value === undefined) throw invalidProjectPath(templatePath, `no value for token __${name}__`);
      return value;
    });
  const segments = templatePath
    .replace(/\\/g, '/')
    .split('/')
    .map(replace)
    .filter((s) => s !== '' && s !== '.');
  const out = segments.join('/').replace(/\.ejs$/, '');
  const prefix = (opts.prefix ?? '')
    .replace(/\\/g, '/')
    .replace(/^\.\/?/, '')
    .replace(/\/$/, '');
  return prefix === '' ? out : `${prefix}/${out}`;
}
