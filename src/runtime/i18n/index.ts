/**
 * pow's message catalogues and translator (i18next).
 *
 * Every `createTranslator` call makes its own i18next instance (`createInstance`), initialised
 * synchronously, so two user types (or two apps in one process) never share overrides.
 */
import i18next, { type i18n as I18nextInstance, type TFunction } from 'i18next';
import { PowError } from '../../shared/pow-error.js';
import { en, type Catalogue } from './locales/en.js';
import { de } from './locales/de.js';

export { en, de };
export type { Catalogue };

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value))
    if (child && typeof child === 'object') deepFreeze(child as object);
  return Object.freeze(value);
}
deepFreeze(en);
deepFreeze(de);

/** Locales shipped with pow. */
export const catalogues: Readonly<Record<string, Catalogue>> = Object.freeze({ en, de });

export type TranslateParams = Record<string, string | number>;

export interface TranslatorOptions {
  /** Default "en". */
  defaultLocale?: string;
  /** Extra or overriding messages per locale, flat dotted keys: `{ de: { 'session.signed_in': '...' } }`. */
  messages?: Record<string, Record<string, string>>;
}

export interface Translator {
  /** Every locale this translator can answer for (shipped ones plus those in `messages`). */
  readonly locales: readonly string[];
  readonly defaultLocale: string;
  /** Translate `key` for `locale` (falling back to the default locale, then English). */
  t(locale: string, key: string, params?: TranslateParams): string;
  /** @internal How many param-less texts are remembered for `locale` (at most MAX_CACHED_TEXTS; for tests). */
  cachedTexts(locale: string): number;
  /** True when `key` has a translation (in `locale` or a fallback). */
  exists(locale: string, key: string): boolean;
  /** The best supported locale for an Accept-Language header value, or the default. */
  fromAcceptLanguage(header: string | undefined): string;
  /** A supported locale matching `tag` exactly or by its language ("de-AT" → "de"), else undefined. */
  match(tag: string | undefined): string | undefined;
}

/** Flattens a nested catalogue into dotted keys: `{ a: { b: 'x' } }` → `{ 'a.b': 'x' }`. */
export function flattenCatalogue(tree: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else if (value && typeof value === 'object') Object.assign(out, flattenCatalogue(value as object, path));
  }
  return out;
}

/** How many param-less texts a translator remembers per locale (pow's catalogue has ~400 keys). */
export const MAX_CACHED_TEXTS = 2048;

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const englishKeys = new Set(Object.keys(flattenCatalogue(en)));
const powGroups = new Set(Object.keys(en));

/**
 * Refuses override keys that look like pow's own but do not exist (Pow issue #60: a misspelt
 * override was silently ignored). Keys outside pow's groups (`app.welcome`) are the app's own.
 */
export function validateMessageKeys(messages: Record<string, Record<string, string>>): void {
  for (const [locale, entries] of Object.entries(messages)) {
    if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) {
      throw new PowError({
        code: 'POW_I18N_INVALID_LOCALE',
        message: `i18n.messages: "${locale}" is not a locale tag (expected e.g. "en", "de", "pt-BR").`,
      });
    }
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value !== 'string') {
        throw new PowError({
          code: 'POW_I18N_INVALID_MESSAGE',
          message: `i18n.messages.${locale}["${key}"] must be a string.`,
        });
      }
      const group = key.split('.')[0] ?? '';
      if (!powGroups.has(group)) continue;
      const base = key.replace(PLURAL_SUFFIX, '');
      if (!englishKeys.has(key) && !englishKeys.has(base)) {
        const suggestion = closestKey(key);
        throw new PowError({
          code: 'POW_I18N_UNKNOWN_KEY',
          message: `i18n.messages.${locale}: "${key}" is not a pow message key, so it would never be shown.`,
          fix: suggestion
            ? `Did you mean "${suggestion}"?`
            : 'See src/runtime/i18n/locales/en.ts for the keys.',
        });
      }
    }
  }
}

function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of englishKeys) {
    const score = distance(key, candidate);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return bestScore <= Math.max(3, Math.floor(key.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length];
}

/** Parses an Accept-Language value into tags ordered by quality (q=0 dropped). */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  const entries: Array<{ tag: string; q: number; index: number }> = [];
  const parts = header.split(',');
  // A header is small; cap the work anyway.
  for (let index = 0; index < parts.length && index < 32; index++) {
    const [rawTag, ...params] = parts[index].trim().split(';');
    const tag = rawTag.trim();
    if (!tag || tag === '*' || tag.length > 35) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.trim().split('=');
      if (name === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (q > 0) entries.push({ tag, q, index });
  }
  entries.sort((a, b) => b.q - a.q || a.index - b.index);
  return entries.map((e) => e.tag);
}

export function createTranslator(options: TranslatorOptions = {}): Translator {
  const messages = options.messages ?? {};
  validateMessageKeys(messages);
  const defaultLocale = options.defaultLocale ?? 'en';

  const instance: I18nextInstance = i18next.createInstance();
  const resources: Record<string, { translation: object }> = {};
  // i18next keeps (and `addResources` mutates) the objects it is given: copy the shipped
  // catalogues so overrides stay in this instance.
  for (const [locale, catalogue] of Object.entries(catalogues))
    resources[locale] = { translation: structuredClone(catalogue) };
  void instance.init({
    resources,
    lng: defaultLocale,
    fallbackLng: defaultLocale === 'en' ? ['en'] : [defaultLocale, 'en'],
    initAsync: false,
    returnEmptyString: true,
    returnNull: false,
    // Views escape on output (`<%= %>`); escaping here too would double-escape params.
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  } as Parameters<I18nextInstance['init']>[0]);
  for (const [locale, entries] of Object.entries(messages)) {
    instance.addResources(locale, 'translation', entries);
  }

  const locales = [...new Set([...Object.keys(catalogues), ...Object.keys(messages)])];
  if (!locales.includes(defaultLocale)) {
    throw new PowError({
      code: 'POW_I18N_INVALID_LOCALE',
      message: `i18n.defaultLocale "${defaultLocale}" has no catalogue.`,
      fix: `Use one of ${locales.map((l) => `"${l}"`).join(', ')} or add messages for "${defaultLocale}".`,
    });
  }
  const lowerToLocale = new Map(locales.map((l) => [l.toLowerCase(), l]));
  // Keyed by the locale i18next answers for (one of `locales`), so the map stays as small as
  // that list whatever locale strings callers pass.
  const fixed = new Map<string, TFunction>();
  // The text of a key without params, per locale: the resources never change after this
  // function returns, so the answer for (locale, key) cannot change either. A page asks for the
  // same few keys on every render, and i18next's lookup (key splitting, fallbacks, nesting and
  // interpolation passes) was most of what a view's `pow.t()` cost (issue 18). Bounded per
  // locale: keys come from views and app code, and a key that is never found is still answered.
  const texts = new Map<string, Map<string, string>>();
  const resolvedLocale = (locale: string): string =>
    lowerToLocale.get(typeof locale === 'string' ? locale.toLowerCase() : '') ?? defaultLocale;
  const tFor = (resolved: string): TFunction => {
    let fn = fixed.get(resolved);
    if (!fn) {
      fn = instance.getFixedT(resolved);
      fixed.set(resolved, fn);
    }
    return fn;
  };

  const match = (tag: string | undefined): string | undefined => {
    if (!tag) return undefined;
    const lower = tag.toLowerCase();
    const exact = lowerToLocale.get(lower);
    if (exact) return exact;
    const dash = lower.indexOf('-');
    return dash > 0 ? lowerToLocale.get(lower.slice(0, dash)) : undefined;
  };

  return {
    locales,
    defaultLocale,
    t(locale, key, params) {
      const resolved = resolvedLocale(locale);
      if (params) return tFor(resolved)(key, params) as string;
      let cache = texts.get(resolved);
      if (!cache) texts.set(resolved, (cache = new Map()));
      let text = cache.get(key);
      if (text === undefined) {
        text = tFor(resolved)(key) as string;
        if (cache.size < MAX_CACHED_TEXTS && typeof key === 'string') cache.set(key, text);
      }
      return text;
    },
    cachedTexts(locale) {
      return texts.get(resolvedLocale(locale))?.size ?? 0;
    },
    exists(locale, key) {
      return instance.exists(key, { lng: match(locale) ?? defaultLocale });
    },
    fromAcceptLanguage(header) {
      for (const tag of parseAcceptLanguage(header)) {
        const found = match(tag);
        if (found) return found;
      }
      return defaultLocale;
    },
    match,
  };
}
