/**
 * Renders every template of `pow install` / `pow gen.templates` for three projects, then checks
 * the output: paths and namespaces, the run-time EJS views (labels, autocomplete, CSRF, no
 * maxlength below 64, i18n keys that exist) and the TypeScript (type-checked with the compiler
 * API against pow's runtime contract).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import ts from 'typescript';
import { renderTemplate, templateOutputPath } from '../../src/generate/render.js';
import { transformForProject } from '../../src/generate/transforms.js';
import type { ProjectInfo, PrismaInfo } from '../../src/inspect/project-info.js';
import {
  buildTemplateContext,
  type TemplateContext,
  type TemplateOptions,
} from '../../src/recipes/template-context.js';
import { POW_PATHS, createPathHelpers } from '../../src/runtime/express/routes.js';
import type { PagePathTable } from '../../src/runtime/express/page-paths.js';
import { selectInstallTemplates } from '../../src/recipes/install-templates.js';
import { en } from '../../src/runtime/i18n/locales/en.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const templatesRoot = join(repo, 'templates');

// ---------------------------------------------------------------------------------------------
// Rendering (what the recipes do, reduced to the essentials)

function listTemplates(dir = templatesRoot, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listTemplates(join(dir, entry.name), rel));
    else if (entry.name.endsWith('.ejs') && (rel.startsWith('install/') || rel.startsWith('views/')))
      out.push(rel);
  }
  return out.sort();
}

/** Template id → output path: `__namespace__` segment replaced or dropped, `.ejs` stripped, base folder prefixed. */
function outputPath(id: string, it: TemplateContext): string {
  const [recipe, ...rest] = id.split('/');
  return templateOutputPath(rest.join('/'), {
    tokens: { namespace: it.namespacePath },
    prefix: recipe === 'views' ? it.project.viewsDir : it.project.sourceDir,
  });
}

/** Which templates a project gets: the recipes' own selection (install-templates.ts). */
function applies(id: string, it: TemplateContext): boolean {
  return selectInstallTemplates([id], it).length > 0;
}

function renderAll(it: TemplateContext): Map<string, string> {
  const files = new Map<string, string>();
  for (const id of listTemplates()) {
    if (!applies(id, it)) continue;
    const filename = join(templatesRoot, id);
    const text = renderTemplate(readFileSync(filename, 'utf8'), it, { id, file: filename });
    files.set(outputPath(id, it), text);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Projects

function prismaInfo(overrides: Partial<PrismaInfo> = {}): PrismaInfo {
  return {
    version: '7.10.1',
    major: 7,
    schemaPath: 'prisma/schema.prisma',
    schemaFiles: ['prisma/schema.prisma'],
    multiFile: false,
    schemaSource: 'default',
    configFile: 'prisma.config.ts',
    provider: 'sqlite',
    urlEnvVar: 'DATABASE_URL',
    urlLocation: 'config',
    generator: { provider: 'prisma-client', output: 'src/generated/prisma' },
    clientImport: './generated/prisma/client.js',
    migrationsDir: 'prisma/migrations',
    userModel: null,
    models: [],
    ...overrides,
  };
}

function project(overrides: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    root: '/tmp/app',
    packageName: 'app',
    packageManager: 'npm',
    language: 'ts',
    moduleSystem: 'esm',
    relativeImportExtension: '.js',
    sourceDir: 'src',
    framework: { name: 'express', version: '5.2.1', major: 5 },
    entry: { path: 'src/app.ts', appVariable: 'app', patchable: true },
    views: { dir: 'views', engine: 'ejs' },
    prismaClientModule: null,
    prisma: prismaInfo(),
    ...overrides,
  };
}

interface Case {
  name: string;
  project: ProjectInfo;
  options: TemplateOptions;
  /** Extra files the type-check needs (the app's own modules, a generated Prisma client). */
  stubs: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: 'users',
    project: project(),
    options: { store: 'prisma', extensions: ['reset-password', 'persistent-session'] },
    stubs: {
      'src/generated/prisma/client.ts':
        'export class PrismaClient {\n  constructor(options?: { adapter?: unknown }) {\n    void options;\n  }\n}\n',
    },
  },
  {
    name: 'admin',
    project: project({
      framework: { name: 'express', version: '4.21.2', major: 4 },
      prismaClientModule: { path: 'src/db.ts', exportName: 'db' },
      prisma: prismaInfo({ provider: 'postgresql' }),
    }),
    options: { namespace: 'admin', registration: false, store: 'redis', userIdFields: ['email', 'username'] },
    stubs: { 'src/db.ts': 'export const db: object = {};\n' },
  },
  {
    name: 'users-prisma6',
    project: project({
      prisma: prismaInfo({
        version: '6.19.0',
        major: 6,
        provider: 'postgresql',
        generator: { provider: 'prisma-client-js', output: null },
        clientImport: '@prisma/client',
      }),
    }),
    options: { store: 'memory', userIdFields: ['email', 'username'], extensions: ['email-confirmation'] },
    stubs: {},
  },
  {
    name: 'users-all-extensions',
    project: project(),
    options: {
      store: 'prisma',
      userIdFields: ['email', 'username', 'phone'],
      extensions: ['email-confirmation', 'reset-password', 'persistent-session', 'invitation'],
    },
    stubs: {
      'src/generated/prisma/client.ts':
        'export class PrismaClient {\n  constructor(options?: { adapter?: unknown }) {\n    void options;\n  }\n}\n',
    },
  },
];

function contextOf(c: Case): TemplateContext {
  return buildTemplateContext(c.project, c.options);
}

// ---------------------------------------------------------------------------------------------
// A small HTML scanner: enough for the markup pow generates (quoted attributes, no comments).

interface Tag {
  name: string;
  attrs: Map<string, string>;
}

function scanTags(html: string): Tag[] {
  const tags: Tag[] = [];
  for (const match of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attrs = new Map<string, string>();
    for (const attr of match[2]!.matchAll(/([^\s=]+)(?:="([^"]*)")?/g))
      attrs.set(attr[1]!.toLowerCase(), attr[2] ?? '');
    tags.push({ name: match[1]!.toLowerCase(), attrs });
  }
  return tags;
}

function forms(html: string): string[] {
  return [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((match) => match[0]);
}

/** Every dotted key of the English catalogue. */
function catalogueKeys(node: unknown = en, prefix = ''): Set<string> {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') keys.add(path);
    else for (const inner of catalogueKeys(value, path)) keys.add(inner);
  }
  return keys;
}

const CATALOGUE = catalogueKeys();

interface ViewRender {
  html: string;
  keys: Set<string>;
}

async function renderView(
  viewsRoot: string,
  it: TemplateContext,
  view: string,
  page: { controller: string; action: string },
  locals: Record<string, unknown>,
  user: Record<string, unknown> | null,
  flash: { info?: string; error?: string } = {},
  /** The page paths of the routes file (default: pow's defaults, as without `auth.readPages`). */
  table?: PagePathTable,
): Promise<ViewRender> {
  const keys = new Set<string>();
  const paths = createPathHelpers(it.mountPath);
  if (table) paths.use(table, 'src/routes/pow.ts');
  const pow = {
    t(key: string, params?: Record<string, string | number>): string {
      keys.add(key);
      return params ? `${key}(${Object.values(params).join(',')})` : key;
    },
    locale: 'en',
    csrfToken: 'csrf-token-value',
    flash,
    controller: page.controller,
    action: page.action,
    path: paths.path,
    has: paths.has,
    mountPath: it.mountPath,
    passwordRules: { minLength: 15, maxBytes: 4096 },
  };
  // Express's ejs defaults: `with` on, locals merged with app locals; the user key is set by the middleware.
  const html = await ejs.renderFile(join(viewsRoot, `${it.views.prefix}/${view}.ejs`), {
    ...locals,
    pow,
    [it.currentUserKey]: user,
  });
  return { html, keys };
}

/** Assertions every rendered page must pass (security-bar A13, D7; WCAG labelling). */
function checkPage(html: string, it: TemplateContext, label: string): void {
  const tags = scanTags(html);
  const ids = tags.map((tag) => tag.attrs.get('id')).filter((id): id is string => id !== undefined);
  assert.equal(new Set(ids).size, ids.length, `${label}: ids are unique`);

  const labelled = new Set(tags.filter((tag) => tag.name === 'label').map((tag) => tag.attrs.get('for')));
  for (const tag of tags.filter((t) => t.name === 'input' || t.name === 'select' || t.name === 'textarea')) {
    const type = tag.attrs.get('type') ?? 'text';
    if (type === 'hidden' || type === 'submit') continue;
    assert.ok(
      tag.attrs.has('id') && labelled.has(tag.attrs.get('id')),
      `${label}: input ${tag.attrs.get('name')} has a label`,
    );
    assert.ok(tag.attrs.has('name'), `${label}: input ${tag.attrs.get('id')} has a name`);
    if (type === 'password') {
      const expected =
        ['password', 'password_confirmation'].includes(tag.attrs.get('name')!) &&
        !label.includes('session/new')
          ? 'new-password'
          : 'current-password';
      assert.equal(
        tag.attrs.get('autocomplete'),
        expected,
        `${label}: ${tag.attrs.get('name')} autocomplete`,
      );
    }
    if (tag.attrs.has('maxlength')) {
      assert.ok(
        Number(tag.attrs.get('maxlength')) >= 64,
        `${label}: maxlength of ${tag.attrs.get('name')} is at least 64`,
      );
    }
    for (const blocker of ['onpaste', 'oncopy', 'oncut', 'ondrop'])
      assert.ok(!tag.attrs.has(blocker), `${label}: no ${blocker}`);
    for (const ref of (tag.attrs.get('aria-describedby') ?? '').split(/\s+/).filter(Boolean)) {
      assert.ok(ids.includes(ref), `${label}: aria-describedby "${ref}" points at an element`);
    }
  }
  for (const tag of tags) {
    for (const ref of (tag.attrs.get('aria-describedby') ?? tag.attrs.get('aria-labelledby') ?? '')
      .split(/\s+/)
      .filter(Boolean)) {
      assert.ok(ids.includes(ref), `${label}: aria reference "${ref}" points at an element`);
    }
  }

  const pageForms = forms(html);
  for (const form of pageForms) {
    const formTag = scanTags(form)[0]!;
    assert.equal(formTag.attrs.get('method'), 'post', `${label}: forms post`);
    assert.match(
      form,
      /<input type="hidden" name="_csrf" value="csrf-token-value">/,
      `${label}: every form carries _csrf`,
    );
  }

  // Namespaced pages stay under the mount path: links, form actions and the stylesheet.
  const prefix = it.mountPath || '/';
  for (const tag of tags) {
    for (const attr of ['href', 'action']) {
      const value = tag.attrs.get(attr);
      if (value === undefined || value.startsWith('#')) continue;
      assert.ok(value.startsWith(prefix), `${label}: ${tag.name} ${attr}="${value}" is under ${prefix}`);
    }
  }
  assert.ok(!/\{%|%\}|<%|%>/.test(html), `${label}: no template tags left`);
}

// ---------------------------------------------------------------------------------------------

for (const c of CASES) {
  test(`${c.name}: every template renders to the documented paths`, () => {
    const it = contextOf(c);
    const files = renderAll(it);
    const paths = [...files.keys()].sort();
    const ns = it.namespace === null ? '' : `${it.namespace}/`;
    const expected = [
      `src/controllers/${ns}pow/session.ts`,
      `src/pow/${ns}config.ts`,
      `src/routes/${ns}pow.ts`,
      `views/${ns}pow/account-bar.ejs`,
      `views/${ns}pow/error-summary.ejs`,
      `views/${ns}pow/flash.ejs`,
      `views/${ns}pow/layout-bottom.ejs`,
      `views/${ns}pow/layout-top.ejs`,
      `views/${ns}pow/menu.ejs`,
      `views/${ns}pow/session/new.ejs`,
    ];
    // One stylesheet for every user type (the default users'); a namespace has a landing page.
    expected.push(it.namespace === null ? 'views/pow/pow.css' : `views/${ns}pow/landing.ejs`);
    if (it.registration) {
      expected.push(
        `src/controllers/${ns}pow/registration.ts`,
        `views/${ns}pow/registration/edit.ejs`,
        `views/${ns}pow/registration/new.ejs`,
      );
    }
    if (it.prisma.generateClient) expected.push('src/pow/prisma.ts');
    const mails = (...names: string[]) =>
      names.flatMap((name) => [
        `views/${ns}pow/mailer/${name}.html.ejs`,
        `views/${ns}pow/mailer/${name}.text.ejs`,
      ]);
    if (it.has.resetPassword) {
      expected.push(
        `src/controllers/${ns}pow/reset-password.ts`,
        `views/${ns}pow/reset-password/new.ejs`,
        `views/${ns}pow/reset-password/edit.ejs`,
        ...mails('reset_password', 'password_changed'),
      );
    }
    if (it.has.emailConfirmation) {
      expected.push(
        `src/controllers/${ns}pow/confirmation.ts`,
        `views/${ns}pow/confirmation/new.ejs`,
        ...mails('email_confirmation', 'email_changed', 'registration_attempt'),
      );
    }
    if (it.has.invitation) {
      expected.push(
        `src/controllers/${ns}pow/invitation.ts`,
        `views/${ns}pow/invitation/new.ejs`,
        `views/${ns}pow/invitation/show.ejs`,
        `views/${ns}pow/invitation/edit.ejs`,
        ...mails('invitation'),
      );
    }
    // The one layout every mail includes, whenever a mail is installed.
    if (it.has.resetPassword || it.has.emailConfirmation || it.has.invitation)
      expected.push(...mails('layout'));
    assert.deepEqual(paths, expected.sort());

    for (const [path, text] of files) {
      assert.ok(!/\{%|%\}/.test(text), `${path}: no generator tags left`);
      if (path.endsWith('.ts')) {
        assert.ok(!/<%|%>/.test(text), `${path}: no EJS in TypeScript`);
        assert.ok(
          !/&#?\w+;/.test(text),
          `${path}: no HTML entities in TypeScript (use {%- %} in code templates)`,
        );
      }
      assert.ok(!/\n\n\n/.test(text), `${path}: no runs of blank lines`);
      assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'), `${path}: ends with one newline`);
    }
    // The stylesheet is plain CSS: rendering leaves it untouched.
    if (it.namespace === null) {
      assert.equal(
        files.get('views/pow/pow.css'),
        readFileSync(join(templatesRoot, 'views/__namespace__/pow/pow.css.ejs'), 'utf8'),
      );
    }
  });

  test(`${c.name}: config, controllers and routes use this namespace's names`, () => {
    const it = contextOf(c);
    const files = renderAll(it);
    const config = files.get(it.paths.config)!;
    assert.match(config, new RegExp(`userType: '${it.userType}'`));
    assert.match(config, new RegExp(`currentUserKey: '${it.currentUserKey}'`));
    assert.ok(
      config.includes(`The session cookie is "${it.cookieName}"`),
      'the cookie name is documented, not forced (keeps the __Host- prefix)',
    );
    assert.match(config, new RegExp(`mountPath: '${it.mountPath}'`));
    // Read at start-up (auth.middleware()), never at import: the entry may load .env after its imports.
    assert.match(config, /secret: fromEnv\('POW_SECRET'\),/);
    assert.doesNotMatch(config.replace(/function mailer[\s\S]*?\n\}\n/, ''), /process\.env/);
    assert.match(config, new RegExp(`store: ${it.store}Store\\(`));
    // The app name of the mails: package.json's name, written where the team can change it.
    const mails = it.has.resetPassword || it.has.emailConfirmation || it.has.invitation;
    assert.equal(/appName: '([^']*)',/.exec(config)?.[1], mails ? c.project.packageName : undefined);

    const session = files.get(it.paths.sessionController)!;
    assert.match(session, new RegExp(`'${it.views.prefix}/session/new\\.ejs'`));
    const routes = files.get(it.paths.routes)!;
    for (const [method, path] of [
      ['get', '/session/new'],
      ['post', '/session'],
      ['delete', '/session'],
    ]) {
      assert.match(routes, new RegExp(`powRoutes\\.${method}\\(\\n  '${path}',`), `${method} ${path}`);
    }
    assert.ok(routes.includes("powRoutes.get('/pow/pow.css'"));
    assert.equal(
      routes.includes('registration'),
      it.registration,
      'registration routes only when registration is on',
    );
    // One stylesheet, the default users', served under every mount path.
    assert.ok(routes.includes(`res.sendFile('pow/pow.css'`));
    if (it.namespace !== null) {
      assert.ok(
        routes.includes(`app.use('${it.mountPath}', ${it.names.entryAuth}.middleware());`),
        'mount instructions name the prefix',
      );
      assert.ok(!session.includes("'pow/session"), 'admin controllers render admin views');
    }
    assert.equal(
      routes.includes('function handle('),
      it.project.expressMajor === 4,
      'Express 4 gets the async wrapper',
    );

    // Flash keys the controllers set exist in the catalogue.
    for (const text of [session, files.get(it.paths.registrationController) ?? '']) {
      for (const match of text.matchAll(/auth\.flash\(req, '(?:info|error)', '([^']+)'\)/g)) {
        assert.ok(CATALOGUE.has(match[1]!), `flash key ${match[1]} is in the en catalogue`);
      }
    }
  });

  test(`${c.name}: views render with a run-time pow context and pass the form checks`, async (t) => {
    const it = contextOf(c);
    const files = renderAll(it);
    const root = await mkdtemp(join(tmpdir(), 'pow-views-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    for (const [path, text] of files) {
      if (!path.startsWith(`${it.project.viewsDir}/`)) continue;
      const target = join(root, path.slice(it.project.viewsDir.length + 1));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    }

    const user: Record<string, unknown> = {
      id: 7,
      email: 'ada@example.com',
      username: 'ada',
      unconfirmedEmail: 'new@example.com',
    };
    const used = new Set<string>();
    const pages: Array<
      [
        string,
        string,
        Record<string, unknown>,
        Record<string, unknown> | null,
        { info?: string; error?: string }?,
      ]
    > = [
      ['session/new', 'new', { values: { user_id: '' }, errors: {}, formError: null, requestPath: '' }, null],
      [
        'session/new',
        'create',
        {
          values: { user_id: 'ada@example.com' },
          errors: {},
          formError: 'session.invalid_credentials',
          requestPath: `${it.mountPath}/dashboard`,
        },
        null,
        { info: 'Signed out.' },
      ],
    ];
    if (it.registration) {
      pages.push(
        [
          'registration/new',
          'new',
          { values: Object.fromEntries(it.userIdFields.map((f) => [f, ''])), errors: {} },
          null,
        ],
        [
          'registration/new',
          'create',
          {
            values: Object.fromEntries(it.userIdFields.map((f) => [f, 'x'])),
            errors: {
              [it.userIdFields[0]!]: ['has already been taken'],
              password: ['should be at least 15 characters'],
              base: ['Something else'],
            },
          },
          null,
        ],
        [
          'registration/edit',
          'edit',
          { values: user, errors: {} },
          user,
          { info: 'Your account has been updated.' },
        ],
        [
          'registration/edit',
          'update',
          {
            values: user,
            errors: {
              current_password: ['is invalid'],
              password_confirmation: ['does not match confirmation'],
            },
          },
          user,
          { error: 'Oops' },
        ],
      );
    }

    for (const [view, action, locals, signedIn, flash] of pages) {
      const label = `${c.name} ${view} (${action})`;
      const { html, keys } = await renderView(
        root,
        it,
        view,
        { controller: view.split('/')[0]!, action },
        locals,
        signedIn,
        flash,
      );
      for (const key of keys) used.add(key);
      checkPage(html, it, label);

      assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/, `${label}: a full document`);
      assert.ok(
        html.includes(`<link rel="stylesheet" href="${it.mountPath}/pow/pow.css">`),
        `${label}: local stylesheet`,
      );
      assert.ok(!/https?:\/\//.test(html), `${label}: nothing loaded from other origins`);
      if (flash?.info)
        assert.match(
          html,
          /<div class="pow-flash pow-flash-info" role="status">[\s\S]*?Signed out\.|Your account has been updated\./,
        );
      if (flash?.error)
        assert.match(
          html,
          /role="alert">[^<]*<span class="pow-visually-hidden">layout\.flash_error: <\/span>Oops/,
        );

      const signOut = forms(html).find(
        (form) => form.includes('value="DELETE"') && form.includes(`action="${it.mountPath}/session"`),
      );
      assert.equal(
        Boolean(signOut),
        signedIn !== null,
        `${label}: a sign-out form exactly when signed in (D7)`,
      );
      if (signedIn)
        assert.ok(html.includes('layout.signed_in_as(ada@example.com)'), `${label}: shows who is signed in`);
    }

    // Page-specific expectations.
    const signIn = (
      await renderView(root, it, 'session/new', { controller: 'session', action: 'new' }, pages[0]![2], null)
    ).html;
    const identifier = scanTags(signIn).find((tag) => tag.attrs.get('name') === 'user_id')!;
    assert.equal(identifier.attrs.get('autocomplete'), 'username');
    assert.equal(identifier.attrs.get('type'), it.signIn.type);
    assert.equal(identifier.attrs.get('inputmode'), it.signIn.inputmode ?? undefined);
    // The label expression, printed with the same stand-in translator ("key(param,...)").
    const printLabel = new Function('pow', `return ${it.signIn.label};`) as (pow: object) => string;
    const expectedLabel = printLabel({
      t: (key: string, params?: Record<string, string>) =>
        params ? `${key}(${Object.values(params).join(',')})` : key,
    });
    assert.ok(signIn.includes(`<label for="user_id">${expectedLabel}</label>`), expectedLabel);
    assert.equal(
      signIn.includes('name="remember_me"'),
      it.has.persistentSession,
      'remember me only with persistent-session',
    );
    assert.equal(signIn.includes(`href="${it.mountPath}/reset-password/new"`), it.has.resetPassword);
    assert.equal(signIn.includes(`href="${it.mountPath}/registration/new"`), it.registration);
    assert.match(
      signIn,
      /<a href="[^"]*\/session\/new" aria-current="page">/,
      'the current page is marked in the navigation',
    );

    const failed = (
      await renderView(
        root,
        it,
        'session/new',
        { controller: 'session', action: 'create' },
        pages[1]![2],
        null,
      )
    ).html;
    assert.ok(
      failed.includes(
        `action="${it.mountPath}/session?request_path=${encodeURIComponent(`${it.mountPath}/dashboard`)}"`,
      ),
    );
    // The error summary takes focus, links to the identifier, and the title says "Error:".
    assert.match(failed, /<div class="pow-error-summary" role="alert" tabindex="-1" autofocus/);
    assert.match(failed, /<li id="form-error"><a href="#user_id">session\.invalid_credentials<\/a><\/li>/);
    assert.match(failed, /<title>layout\.error_title\(pages\.session\.new\.title\)<\/title>/);
    assert.ok(failed.includes('value="ada@example.com"'), 'the identifier is kept, the password is not');

    if (it.registration) {
      const invalid = (
        await renderView(
          root,
          it,
          'registration/new',
          { controller: 'registration', action: 'create' },
          pages[3]![2],
          null,
        )
      ).html;
      const first = it.userIdFields[0]!;
      assert.match(
        invalid,
        new RegExp(`name="${first}"[^>]*aria-invalid="true" aria-describedby="${first}-error"`),
      );
      assert.match(
        invalid,
        new RegExp(`<p class="pow-field-error" id="${first}-error">has already been taken</p>`),
      );
      assert.match(
        invalid,
        /<li>Something else<\/li>/,
        'errors of fields not on the form are listed in the summary, without a link',
      );
      // Every error at once in the summary, each linked to its field (GOV.UK's pattern).
      assert.ok(invalid.includes(`<li><a href="#${first}">has already been taken</a></li>`));
      assert.ok(invalid.includes('<li><a href="#password">should be at least 15 characters</a></li>'));
      // The rules up front: the hint and minlength/maxlength, tied to the field.
      const password = scanTags(invalid).find((tag) => tag.attrs.get('name') === 'password')!;
      assert.equal(password.attrs.get('minlength'), '15');
      assert.equal(password.attrs.get('maxlength'), '4096');
      assert.equal(password.attrs.get('aria-describedby'), 'password-hint password-error');
      assert.ok(invalid.includes('<p class="pow-hint" id="password-hint">hints.password_length(15)</p>'));

      const edit = (
        await renderView(
          root,
          it,
          'registration/edit',
          { controller: 'registration', action: 'edit' },
          pages[4]![2],
          user,
        )
      ).html;
      const editForms = forms(edit);
      assert.equal(editForms.length, 3, 'sign-out, settings and delete-account forms');
      assert.ok(editForms[1]!.includes('<input type="hidden" name="_method" value="PATCH">'));
      assert.ok(editForms[2]!.includes('<input type="hidden" name="_method" value="DELETE">'));
      // The second step: deleting asks for the password again.
      assert.match(
        editForms[2]!,
        /<input id="delete_password" name="delete_password" type="password" autocomplete="current-password" required/,
      );
      assert.ok(editForms[2]!.includes(`action="${it.mountPath}/registration"`));
      const current = scanTags(edit).find((tag) => tag.attrs.get('name') === 'current_password')!;
      assert.ok(current.attrs.has('required'));
      const newPassword = scanTags(edit).find((tag) => tag.attrs.get('name') === 'password')!;
      assert.ok(!newPassword.attrs.has('required'), 'the new password is optional');
      assert.equal(edit.includes('hints.unconfirmed_email(new@example.com)'), it.has.emailConfirmation);

      // Routes the team dropped from the routes file leave no link or form behind.
      const dropped = new Set(['registration.new', 'registration.delete', 'reset_password.new']);
      const kept = Object.fromEntries(Object.entries(POW_PATHS).filter(([name]) => !dropped.has(name)));
      const signInWithout = (
        await renderView(
          root,
          it,
          'session/new',
          { controller: 'session', action: 'new' },
          pages[0]![2],
          null,
          {},
          kept,
        )
      ).html;
      assert.ok(!signInWithout.includes('/registration/new'), 'no link to a dropped sign-up page');
      assert.ok(!signInWithout.includes('/reset-password/new'), 'no link to a dropped reset page');
      const editWithout = (
        await renderView(
          root,
          it,
          'registration/edit',
          { controller: 'registration', action: 'edit' },
          pages[4]![2],
          user,
          {},
          kept,
        )
      ).html;
      assert.equal(forms(editWithout).length, 2, 'no delete-account form without its route');
    }

    for (const key of used) assert.ok(CATALOGUE.has(key), `i18n key ${key} is in the en catalogue`);
  });
}

// ---------------------------------------------------------------------------------------------
// Type-check the generated TypeScript against pow's runtime.

const runtimeIndex = join(repo, 'src/runtime/index.ts');
const expressIndex = join(repo, 'src/runtime/express/index.ts');

const POW_STUB = `import type { Pow, PowConfig, Store } from '${join(repo, 'src/runtime/core/types.js')}';
export declare function createPow(config: PowConfig): Pow;
export declare function memoryStore(): Store;
export declare function prismaStore(prisma: object): Store;
export declare function redisStore(clientOrUrl: string): Store;
`;
const EXPRESS_STUB = `import type { Pow } from '${join(repo, 'src/runtime/core/types.js')}';
import type { PowExpress, PowExpressOptions } from '${join(repo, 'src/runtime/express/types.js')}';
export declare function powExpress(pow: Pow, options?: PowExpressOptions): PowExpress;
`;
const PRISMA_CLIENT_STUB = 'export declare class PrismaClient {\n  constructor(options?: object);\n}\n';

test('generated TypeScript type-checks (strict, verbatimModuleSyntax, erasable syntax, no unused code)', async (t) => {
  const artifacts = join(repo, 'test-artifacts');
  await mkdir(artifacts, { recursive: true });
  const root = await mkdtemp(join(artifacts, 'templates-typecheck-'));
  t.after(() => rm(root, { recursive: true, force: true }));

  const stubs = join(root, 'stubs');
  await mkdir(stubs, { recursive: true });
  await writeFile(join(stubs, 'pow.d.ts'), POW_STUB);
  await writeFile(join(stubs, 'pow-express.d.ts'), EXPRESS_STUB);
  await writeFile(join(stubs, 'prisma-client.d.ts'), PRISMA_CLIENT_STUB);
  // Check against the runtime itself once it exists; until then against its declared contract.
  const useRuntime = existsSync(runtimeIndex);
  const useExpress = existsSync(expressIndex);
  if (!useRuntime || !useExpress)
    t.diagnostic(
      `type-checking against stubs for: ${[!useRuntime && 'pow', !useExpress && 'pow/express'].filter(Boolean).join(', ')}`,
    );

  const rootNames: string[] = [];
  for (const c of CASES) {
    const dir = join(root, c.name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    const files = new Map([...renderAll(contextOf(c))].filter(([path]) => path.endsWith('.ts')));
    for (const [path, text] of [...files, ...Object.entries(c.stubs)]) {
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
      if (files.has(path)) rootNames.push(target);
    }
  }

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    verbatimModuleSyntax: true,
    erasableSyntaxOnly: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitReturns: true,
    types: ['node'],
    typeRoots: [join(repo, 'node_modules/@types')],
    paths: {
      pow: [useRuntime ? runtimeIndex : join(stubs, 'pow.d.ts')],
      'pow/express': [useExpress ? expressIndex : join(stubs, 'pow-express.d.ts')],
      '@prisma/client': [join(stubs, 'prisma-client.d.ts')],
    },
  };
  const program = ts.createProgram(rootNames, options);
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || d.file.fileName.startsWith(root));
  const text = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
  assert.equal(diagnostics.length, 0, text);
});

test('JavaScript output (ESM and CommonJS) of the generated TypeScript is valid', () => {
  for (const c of CASES) {
    for (const [path, text] of renderAll(contextOf(c))) {
      if (!path.endsWith('.ts')) continue;
      const esm = transformForProject(path, text, {
        language: 'js',
        moduleSystem: 'esm',
        relativeImportExtension: '.js',
      });
      const parsed = ts.transpileModule(esm.content, {
        fileName: esm.path,
        reportDiagnostics: true,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, allowJs: true },
      });
      assert.deepEqual(parsed.diagnostics ?? [], [], `${c.name} ${esm.path} (ESM)`);
      assert.ok(
        !/:\s*(Request|Response|string|void|Promise)\b/.test(esm.content),
        `${esm.path}: types are stripped`,
      );

      const cjs = transformForProject(path, text, {
        language: 'js',
        moduleSystem: 'cjs',
        relativeImportExtension: '',
      });
      assert.doesNotThrow(
        () => new Function('require', 'module', 'exports', cjs.content),
        `${c.name} ${cjs.path} (CommonJS)`,
      );
      assert.ok(!/^import |^export /m.test(cjs.content), `${cjs.path}: no ESM syntax left`);
      assert.ok(
        !/from '\.\.?\/[^']*\.js'|require\('\.\.?\/[^']*\.js'\)/.test(cjs.content),
        `${cjs.path}: extensionless relative imports`,
      );
    }
  }
});
