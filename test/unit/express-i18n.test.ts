import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_CACHED_TEXTS,
  catalogues,
  createTranslator,
  de,
  en,
  flattenCatalogue,
  parseAcceptLanguage,
  validateMessageKeys,
} from '../../src/runtime/i18n/index.js';
import { coreMessages } from '../../src/runtime/core/errors.js';

const flatEn = flattenCatalogue(en);
const flatDe = flattenCatalogue(de);

describe('catalogues', () => {
  it('en and de have exactly the same keys and the same placeholders', () => {
    assert.deepEqual(Object.keys(flatDe).sort(), Object.keys(flatEn).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(flatEn)) {
      assert.deepEqual(placeholders(flatDe[key]), placeholders(text), key);
      // Empty means "no flash" (Pow's nil); it must be empty in both or neither.
      assert.equal(flatDe[key] === '', text === '', key);
    }
  });

  it('covers every field error key of the core, with its English text', () => {
    for (const [key, text] of Object.entries(coreMessages)) {
      assert.equal(flatEn[key], text, key);
      assert.ok(flatDe[key], key);
    }
  });

  it('has Pow’s flash texts', () => {
    assert.equal(
      flatEn['session.invalid_credentials'],
      'The provided login details did not work. Please verify your credentials, and try again.',
    );
    assert.equal(flatEn['registration.user_has_been_updated'], 'Your account has been updated.');
    assert.equal(
      flatEn['registration.user_has_been_deleted'],
      'Your account has been deleted. Sorry to see you go!',
    );
    assert.equal(flatEn['registration.user_could_not_be_deleted'], 'Your account could not be deleted.');
    // Feedback around the pages (issue 19): the redirect to sign-in, sign-in, sign-up, sign-out.
    assert.equal(flatEn['session.signed_in'], 'You are signed in.');
    assert.equal(flatEn['session.signed_out'], 'You are signed out.');
    assert.equal(flatEn['registration.user_has_been_created'], 'Welcome! Your account has been created.');
    assert.equal(flatEn['auth.user_not_authenticated'], 'Please sign in to see that page.');
    assert.equal(
      flatEn['invitation.invitation_accepted'],
      'Welcome! Your account is ready and you are signed in.',
    );
    // Pow's nil: a signed-in visitor sent away from sign-in needs no message.
    assert.equal(flatEn['auth.user_already_authenticated'], '');
    assert.equal(flatEn['invitation.invalid_invitation'], "The invitation doesn't exist.");
    assert.equal(flatEn['reset_password.invalid_token'], 'The reset token has expired.');
    assert.equal(
      flatEn['email_confirmation.invalid_token'],
      'The confirmation token is invalid or has expired.',
    );
    assert.deepEqual(Object.keys(catalogues).sort(), ['de', 'en']);
  });
});

describe('translator', () => {
  it('translates per locale with plurals, falls back to English, keeps values unescaped', () => {
    const tr = createTranslator();
    assert.equal(tr.t('de', 'errors.too_short', { count: 15 }), 'muss mindestens 15 Zeichen lang sein');
    assert.equal(tr.t('en', 'errors.too_short', { count: 1 }), 'should be at least 1 character');
    assert.equal(tr.t('en', 'errors.too_short', { count: 15 }), 'should be at least 15 characters');
    assert.equal(
      tr.t('en', 'hints.unconfirmed_email', { email: '<b>&' }),
      'Click the link in the confirmation email to change your email to <b>&.',
    );
    assert.equal(tr.t('xx', 'session.invalid_credentials'), flatEn['session.invalid_credentials']);
    assert.equal(tr.t('en', 'auth.user_already_authenticated'), '');
    assert.equal(tr.exists('en', 'errors.taken'), true);
    assert.equal(tr.exists('en', 'errors.nope'), false);
  });

  it('accepts overrides and new locales; missing keys fall back; instances do not share overrides', () => {
    const tr = createTranslator({
      messages: {
        fr: { 'session.invalid_credentials': 'Identifiants invalides.' },
        en: { 'session.signed_in': 'Welcome back!', 'app.hello': 'Hello {{name}}' },
      },
    });
    assert.equal(tr.t('fr', 'session.invalid_credentials'), 'Identifiants invalides.');
    assert.equal(tr.t('fr', 'registration.user_has_been_updated'), 'Your account has been updated.');
    assert.equal(tr.t('en', 'session.signed_in'), 'Welcome back!');
    assert.equal(tr.t('en', 'app.hello', { name: 'Ada' }), 'Hello Ada');
    assert.equal(createTranslator().t('en', 'session.signed_in'), 'You are signed in.');
    assert.ok(tr.locales.includes('fr'));
    assert.equal(tr.fromAcceptLanguage('fr-CA'), 'fr');
  });

  it('remembers param-less texts per locale, with the same answers as i18next, and no more than the bound', () => {
    const tr = createTranslator({ messages: { en: { 'app.hello': 'Hello {{name}}' } } });
    const fresh = createTranslator({ messages: { en: { 'app.hello': 'Hello {{name}}' } } });
    for (const key of Object.keys(flatEn)) {
      // Asked twice: the second answer comes from the cache and must be the first one.
      for (const locale of ['en', 'de']) {
        const first = tr.t(locale, key);
        assert.equal(tr.t(locale, key), first, `${locale} ${key}`);
      }
    }
    assert.equal(tr.cachedTexts('en'), Object.keys(flatEn).length);
    // Params are never cached: each call interpolates its own.
    assert.equal(tr.t('en', 'app.hello', { name: 'Ada' }), 'Hello Ada');
    assert.equal(tr.t('en', 'app.hello', { name: 'Grace' }), 'Hello Grace');
    // Locales resolve before the cache: unknown ones share the default's texts, case is ignored.
    assert.equal(tr.t('xx', 'session.signed_in'), fresh.t('en', 'session.signed_in'));
    assert.equal(tr.t('DE', 'session.signed_in'), flatDe['session.signed_in']);
    assert.equal(tr.cachedTexts('xx'), tr.cachedTexts('en'));
    // Keys nobody defined (a view's typo, the app's own keys) fill the cache up to the bound only.
    for (let i = 0; i < MAX_CACHED_TEXTS + 20; i++)
      assert.equal(tr.t('de', `app.missing_${i}`), `app.missing_${i}`);
    assert.equal(tr.cachedTexts('de'), MAX_CACHED_TEXTS);
    // Past the bound, answers are still right (asked of i18next each time).
    assert.equal(tr.t('de', 'session.signed_in'), flatDe['session.signed_in']);
    assert.equal(tr.t('de', `app.missing_${MAX_CACHED_TEXTS + 19}`), `app.missing_${MAX_CACHED_TEXTS + 19}`);
  });

  it('uses a configured default locale', () => {
    const tr = createTranslator({ defaultLocale: 'de' });
    assert.equal(tr.fromAcceptLanguage(undefined), 'de');
    assert.equal(tr.t('xx', 'errors.blank'), 'muss ausgefüllt werden');
    assert.throws(() => createTranslator({ defaultLocale: 'fr' }), /no catalogue/);
  });

  it('refuses misspelt pow keys (Pow issue #60) but allows the app’s own groups', () => {
    assert.throws(
      () => validateMessageKeys({ en: { 'session.signed_inn': 'x' } }),
      (error: any) => {
        assert.equal(error.code, 'POW_I18N_UNKNOWN_KEY');
        assert.match(error.fix, /session\.signed_in/);
        return true;
      },
    );
    assert.throws(() => validateMessageKeys({ en: { 'errors.nope': 'x' } }), /not a pow message key/);
    assert.throws(() => validateMessageKeys({ 'not a locale': {} }), /locale tag/);
    assert.doesNotThrow(() =>
      validateMessageKeys({ en: { 'app.anything': 'x', 'errors.too_short_few': 'x' }, 'pt-BR': {} }),
    );
  });
});

describe('Accept-Language', () => {
  it('orders by quality, drops q=0 and wildcards, matches by language', () => {
    assert.deepEqual(parseAcceptLanguage('en;q=0.5, de-DE, fr;q=0, *;q=0.1'), ['de-DE', 'en']);
    assert.deepEqual(parseAcceptLanguage(''), []);
    const tr = createTranslator();
    assert.equal(tr.fromAcceptLanguage('fr, de-AT;q=0.8, en;q=0.7'), 'de');
    assert.equal(tr.fromAcceptLanguage('fr'), 'en');
    assert.equal(tr.fromAcceptLanguage('DE'), 'de');
    assert.equal(tr.match('de-ch'), 'de');
    assert.equal(tr.match('pt'), undefined);
  });
});
