/**
 * English catalogue: every message key pow uses (flash messages, JSON error texts, field
 * errors from the core, and the page, form and mail texts of the generated views).
 *
 * Conventions:
 * - Nested keys, read with dots: `t('session.invalid_credentials')`, `t('pages.session.new.title')`.
 * - An empty string means "no flash message" (Pow's `nil`): `auth.flash()` skips it. Apps can
 *   give such keys a text with `i18n.messages`, e.g. `{ en: { 'session.signed_in': 'Welcome back!' } }`.
 * - Placeholders use i18next syntax `{{name}}`. Values are NOT HTML-escaped by the translator
 *   (views escape on output with `<%= %>`), so the same strings work in JSON and mail text.
 * - Counted texts have `_one` / `_other` forms (i18next plurals); the bare key is the fallback.
 * - `de.ts` must have exactly the same keys (checked by test/unit/express-i18n.test.ts).
 */
export const en = {
  /** Guards, CSRF and JSON error bodies. */
  auth: {
    /** Flash when a signed-out visitor hits a page that needs a user (Pow default: none). */
    user_not_authenticated: '',
    /** Flash when a signed-in user opens sign-in or registration (Pow default: none). */
    user_already_authenticated: '',
    /** JSON body text of a 401. */
    not_authenticated: 'Not authenticated.',
    /** JSON body text of a 403 from `requireNotAuthenticated`. */
    already_authenticated: 'Already authenticated.',
    /** 403 when a form's CSRF token is missing or wrong. */
    invalid_csrf: 'This form has expired or could not be verified. Please reload the page and try again.',
    /** Flash when a form is posted after the session ended (before redirecting to sign-in). */
    session_expired: 'Your session has expired. Please sign in again.',
    /** 429: too many requests that send mail (reset, confirmation, invitation) from one address. */
    too_many_requests: 'Too many requests. Please wait a while and try again.',
    /** 503 while the session store or the database does not answer (with Retry-After). */
    unavailable_title: 'Temporarily unavailable',
    unavailable: 'Sign-in is temporarily unavailable. Please try again in a few seconds.',
  },

  /** Pow.Phoenix.Messages, session controller. */
  session: {
    signed_in: '',
    signed_out: '',
    invalid_credentials:
      'The provided login details did not work. Please verify your credentials, and try again.',
    /** 429: too many failed sign-ins from one address (not used for a locked account: that gets invalid_credentials). */
    too_many_attempts: 'Too many failed sign-in attempts. Please wait a while and try again.',
  },

  /** Pow.Phoenix.Messages, registration controller. */
  registration: {
    user_has_been_created: '',
    user_has_been_updated: 'Your account has been updated.',
    user_has_been_deleted: 'Your account has been deleted. Sorry to see you go!',
    user_could_not_be_deleted: 'Your account could not be deleted.',
  },

  /** Active sessions page ("sign out other sessions"). */
  sessions: {
    session_revoked: 'The session has been signed out.',
    other_sessions_revoked: 'All your other sessions have been signed out.',
    remembered_device_revoked: 'That browser is no longer kept logged in.',
    session_not_found: 'That session has already ended.',
  },

  /** PowResetPassword messages. */
  reset_password: {
    email_has_been_sent:
      'If an account for the provided email exists, an email with reset instructions will be sent to you. Please check your inbox.',
    maybe_email_has_been_sent:
      'If an account for the provided email exists, an email with reset instructions will be sent to you. Please check your inbox.',
    user_not_found: 'No account exists for the provided email. Please try again.',
    invalid_token: 'The reset token has expired.',
    password_has_been_reset: 'The password has been updated.',
  },

  /** PowEmailConfirmation messages. */
  email_confirmation: {
    email_has_been_confirmed: 'The email address has been confirmed.',
    email_confirmation_failed: "The email address couldn't be confirmed.",
    invalid_token: 'The confirmation token is invalid or has expired.',
    /** A second click on a used link (mail scanners pre-click links): not an error. */
    already_confirmed: 'The email address has already been confirmed.',
    email_confirmation_required:
      "You'll need to confirm your e-mail before you can sign in. An e-mail confirmation link has been sent to you.",
    email_confirmation_required_for_update:
      "You'll need to confirm the e-mail before it's updated. An e-mail confirmation link has been sent to you.",
    /** After "resend confirmation": same text whether or not the account exists. */
    confirmation_resent:
      'If an account for the provided email exists and is not confirmed yet, a new confirmation link has been sent to you.',
  },

  /** PowInvitation messages. */
  invitation: {
    invalid_invitation: "The invitation doesn't exist.",
    invitation_email_sent: 'An e-mail with invitation link has been sent.',
  },

  /** Field errors returned by the core (`FieldError.key`). */
  errors: {
    blank: "can't be blank",
    taken: 'has already been taken',
    invalid: 'is invalid',
    /** A typed column of the app's own (userFields with `type`, src/runtime/core/user-fields.ts). */
    not_an_integer: 'must be a whole number',
    not_a_number: 'must be a number',
    not_a_date: 'must be a date',
    invalid_email: 'has invalid format',
    invalid_format: 'has invalid format',
    /** A phone number user id outside 7–15 digits (src/runtime/core/identifiers.ts). */
    invalid_phone: 'should have 7 to 15 digits, optionally starting with + and the country code',
    too_short: 'should be at least {{count}} character(s)',
    too_short_one: 'should be at least {{count}} character',
    too_short_other: 'should be at least {{count}} characters',
    too_long: 'should be at most {{count}} character(s)',
    too_long_one: 'should be at most {{count}} character',
    too_long_other: 'should be at most {{count}} characters',
    too_long_bytes: 'should be at most {{count}} byte(s)',
    too_long_bytes_one: 'should be at most {{count}} byte',
    too_long_bytes_other: 'should be at most {{count}} bytes',
    confirmation: 'does not match confirmation',
    invalid_current_password: 'is invalid',
    common_password: 'is too common, choose a less guessable password',
    not_found: 'was not found',
    /** Heading above a form's error list. */
    form_has_errors: 'Oops, something went wrong! Please check the errors below.',
  },

  /** Form field labels (the plain form field names of docs/internal/conventions.md). */
  fields: {
    email: 'Email',
    username: 'Username',
    phone: 'Phone number',
    /** Label of the sign-in identifier for email + username (kept for views generated before `one_of`). */
    user_id: 'Email or username',
    /**
     * Label of the sign-in identifier when several user id fields are accepted: `first` is the
     * first field's label (`fields.email`), `middle` and `last` the others' `in_list` names
     * ("Email, username or phone number"). Built by src/recipes/id-field-labels.ts.
     */
    one_of: {
      two: '{{first}} or {{last}}',
      more: '{{first}}, {{middle}} or {{last}}',
    },
    /** A user id field's name inside `one_of` ("Email or phone number"). */
    in_list: {
      email: 'email',
      username: 'username',
      phone: 'phone number',
    },
    password: 'Password',
    password_confirmation: 'Confirm password',
    current_password: 'Current password',
    new_password: 'New password',
    remember_me: 'Keep me logged in',
  },

  /** Hints shown next to fields. */
  hints: {
    current_password: 'We need your current password to confirm your changes.',
    password_optional: "Leave blank if you don't want to change it.",
    password_length: 'At least {{count}} characters. Long passphrases are welcome.',
    unconfirmed_email: 'Click the link in the confirmation email to change your email to {{email}}.',
  },

  /** Page titles, buttons and page-specific texts, by controller and action. */
  pages: {
    session: {
      new: { title: 'Sign in', submit: 'Sign in' },
    },
    registration: {
      new: { title: 'Register', submit: 'Register' },
      edit: {
        title: 'Edit profile',
        submit: 'Update',
        delete_title: 'Delete account',
        delete_submit: 'Delete account',
        delete_confirm: 'Are you sure? Your account will be deleted and cannot be restored.',
      },
    },
    reset_password: {
      new: {
        title: 'Reset password',
        submit: 'Send reset instructions',
        description: "Enter your account's email address and we'll send you a link to choose a new password.",
      },
      edit: { title: 'Choose a new password', submit: 'Reset password' },
    },
    confirmation: {
      new: {
        title: 'Resend confirmation email',
        submit: 'Resend confirmation email',
        description: "Enter your account's email address and we'll send you a new confirmation link.",
      },
    },
    invitation: {
      new: { title: 'Invite a user', submit: 'Send invitation' },
      show: {
        title: 'Invitation created',
        description: 'Please send the following URL to the invitee.',
      },
      edit: {
        title: 'Accept invitation',
        submit: 'Accept invitation',
        description: 'Choose a password to finish setting up your account.',
      },
    },
    sessions: {
      index: {
        title: 'Active sessions',
        current: 'This device',
        created_at: 'Signed in at {{date}}',
        last_seen_at: 'Last active {{date}}',
        revoke: 'Sign out',
        revoke_others: 'Sign out all other sessions',
        revoke_session_label: 'Sign out {{device}}',
        unknown_browser: 'Unknown browser',
        unknown_os: 'unknown system',
        device: '{{browser}} on {{os}}',
        only_this_device: 'You are signed in on this device only.',
        remembered_title: 'Browsers that keep you logged in',
        remembered_description: 'These browsers sign you in again without a password until the date shown.',
        remembered_until: 'Until {{date}}',
        forget: 'Forget',
        forget_label: 'Forget {{device}}',
      },
    },
  },

  /** Navigation links and layout texts. */
  links: {
    sign_in: 'Sign in',
    register: 'Register',
    sign_out: 'Sign out',
    edit_account: 'Edit account',
    reset_password: 'Forgot your password?',
    resend_confirmation: "Didn't receive a confirmation email?",
    invite: 'Invite a user',
    sessions: 'Active sessions',
    back: 'Back',
    home: 'Home',
  },

  layout: {
    signed_in_as: 'Signed in as {{user}}',
    skip_to_content: 'Skip to content',
    flash_info: 'Information',
    flash_error: 'Error',
  },

  /** Mail subjects and bodies. `{{url}}` is the link; `{{invited_by}}` the inviter's user id. */
  mail: {
    greeting: 'Hi,',
    reset_password: {
      subject: 'Reset password link',
      body: 'Please use the following link to reset your password:',
      ignore: "You can disregard this email if you didn't request a password reset.",
    },
    email_confirmation: {
      subject: 'Confirm your email address',
      body: 'Please use the following link to confirm your e-mail address:',
    },
    invitation: {
      subject: "You've been invited",
      body: "You've been invited by {{invited_by}}. Please use the following link to accept your invitation:",
    },
    password_changed: {
      subject: 'Your password has been changed',
      body: 'The password of your account was changed. If you did not do this, reset your password now and contact us.',
    },
    email_changed: {
      subject: 'Your email address is being changed',
      body: 'A change of your account email to {{email}} was requested. If you did not do this, change your password now and contact us.',
    },
    registration_attempt: {
      subject: 'Sign-up attempt with your email address',
      body: 'Someone tried to create an account with this email address, which already has one. If it was you, sign in or reset your password here:',
      ignore: 'Otherwise you can ignore this email.',
    },
  },
} as const;

/** A catalogue shaped like `en` (same keys, any strings). */
export type Catalogue = DeepStrings<typeof en>;

type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
