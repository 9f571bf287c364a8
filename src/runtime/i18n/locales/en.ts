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
    user_not_authenticated: 'Please sign in to see that page.',
    /** Flash when a signed-in user opens sign-in or registration (Pow default: none). */
    user_already_authenticated: '',
    /** JSON body text of a 401. */
    not_authenticated: 'Not authenticated.',
    /** JSON body text of a 403 from `requireNotAuthenticated`. */
    already_authenticated: 'Already authenticated.',
    /** 403 when a form's CSRF token is missing or wrong. */
    invalid_csrf: 'This form has expired or could not be verified. Please reload the page and try again.',
    /**
     * Above a pow form shown again with a fresh token, after its old token was refused (left
     * open too long, or the session changed in another tab). Nothing was changed.
     */
    form_expired:
      'This form had expired (it was open for a long time, or you signed in or out in another tab), so nothing was sent. Please check the form and send it again.',
    /** Title and text of the page for a refused form that is not one of pow's (see stale-form.ts). */
    form_rejected_title: 'This form could not be sent',
    form_rejected:
      'The form had expired or came from another site, so nothing was changed. Go back, reload the page and try again.',
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
    signed_in: 'You are signed in.',
    signed_out: 'You are signed out.',
    invalid_credentials:
      'The provided login details did not work. Please verify your credentials, and try again.',
    /** 429: too many failed sign-ins from one address (not used for a locked account: that gets invalid_credentials). */
    too_many_attempts: 'Too many failed sign-in attempts. Please wait a while and try again.',
    /**
     * After too many failed sign-ins with one identifier, known account or not (so it tells
     * nothing about whether the account exists): what to do instead.
     */
    account_locked:
      'Signing in with these details is paused after too many failed attempts. Wait {{minutes}} minutes and try again, or reset your password if you have forgotten it.',
  },

  /** Pow.Phoenix.Messages, registration controller. */
  registration: {
    user_has_been_created: 'Welcome! Your account has been created.',
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

  /** Sign-in through a provider (oauth extension); `{{provider}}` is its label ("GitHub"). */
  oauth: {
    signed_in: 'You are signed in with {{provider}}.',
    signed_up: 'Welcome! Your account has been created with {{provider}}.',
    linked: '{{provider}} is now connected to your account.',
    unlinked: '{{provider}} is no longer connected to your account.',
    /** No silent linking by e-mail: the owner of the address signs in first, then connects. */
    email_taken:
      'An account with the email address from {{provider}} already exists. Sign in with your password, then connect {{provider}} on your account page.',
    identity_taken: 'This {{provider}} account is already connected to another account.',
    registration_closed: 'No account is connected to this {{provider}} account.',
    email_required: '{{provider}} did not share an email address, which a new account needs.',
    state_mismatch: 'The sign-in with {{provider}} could not be verified. Please try again.',
    expired:
      'The sign-in with {{provider}} took too long or was started in another browser. Please try again.',
    denied: 'The sign-in with {{provider}} was cancelled.',
    invalid_response: 'The answer from {{provider}} could not be verified. Please try again.',
    incomplete_profile: '{{provider}} did not share the details needed to sign you in.',
    last_sign_in_method:
      "{{provider}} can't be disconnected: it is the only way to sign in to your account. Set a password first.",
    not_linked: '{{provider}} is not connected to your account.',
    /** Signed in with the provider, held by a gate (owned controllers before the two-factor step existed show these). */
    unconfirmed:
      'Please confirm your email address: we sent you a link. Then continue with {{provider}} again.',
    'two-factor': 'Enter the code from your authenticator app to finish signing in.',
  },

  /** Two-factor authentication (the two-factor extension). */
  two_factor: {
    /** Flash on the way from the password to the second step. */
    code_required: 'Enter the code from your authenticator app to finish signing in.',
    invalid_code: 'The code is not right. Enter the 6-digit code your authenticator app shows now.',
    reused_code:
      'That code has already been used. Wait for the next code in your authenticator app and enter it.',
    invalid_recovery_code: 'The recovery code is not right, or it has already been used.',
    /** The second step with a passkey: not one of this account's, cancelled, or its request timed out. */
    invalid_passkey: 'That passkey did not work. Try again, or enter a code from your authenticator app.',
    expired: 'Signing in took too long. Please sign in again with your password.',
    locked: 'Signing in is paused after too many wrong codes. Wait {{minutes}} minutes and try again.',
    enabled: 'Two-factor authentication is on.',
    disabled: 'Two-factor authentication is off.',
    already_enabled: 'Two-factor authentication is already on.',
    no_password: 'Set a password for your account before you turn on two-factor authentication.',
    setup_replaced: 'That set-up has ended. Scan the QR code below and enter its code.',
  },

  /** Passkeys (sign-in without a password; the passkeys page of the account). */
  passkeys: {
    added: 'Your passkey has been added. You can now sign in with it.',
    removed: 'The passkey has been removed.',
    not_found: 'That passkey no longer exists.',
    /** A sign-in whose passkey did not verify or is not registered (says nothing about accounts). */
    sign_in_failed: 'That passkey did not work. Try again, or sign in with your password.',
    /** No pending request for this browser: it timed out, or the page was used in another tab. */
    expired: 'The passkey request has expired. Please try again.',
    add_failed: 'The passkey could not be added. Please try again.',
    already_registered: 'This passkey is already registered.',
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

  /** Magic links: signing in with a mailed, single-use link. */
  magic_link: {
    invalid_token: 'This sign-in link is invalid or has expired. Request a new one below.',
    already_used:
      'This sign-in link has already been used: each link signs in once. Request a new one below.',
  },

  /** PowEmailConfirmation messages. */
  email_confirmation: {
    email_has_been_confirmed: 'The email address has been confirmed.',
    email_confirmation_failed: "The email address couldn't be confirmed.",
    invalid_token: 'The confirmation token is invalid or has expired.',
    /** A second click on a used link (mail scanners pre-click links): not an error. */
    already_confirmed: 'The email address has already been confirmed.',
    email_confirmation_required:
      "You'll need to confirm your email address before you can sign in. A confirmation link has been sent to you by email.",
    email_confirmation_required_for_update:
      "You'll need to confirm the new email address before it's updated. A confirmation link has been sent to it.",
    /** After "resend confirmation": same text whether or not the account exists. */
    confirmation_resent:
      'If an account for the provided email exists and is not confirmed yet, a new confirmation link has been sent to you.',
  },

  /** PowInvitation messages. */
  invitation: {
    invalid_invitation: "The invitation doesn't exist.",
    invitation_email_sent: 'An email with an invitation link has been sent.',
    invitation_accepted: 'Welcome! Your account is ready and you are signed in.',
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
    sign_in_again: 'needs a recent sign-in: sign out and sign in again',
    common_password: 'is too common, choose a less guessable password',
    not_found: 'was not found',
    /** Heading of the error summary at the top of a form (GOV.UK's wording). */
    form_has_errors: 'There is a problem',
  },

  /**
   * Field errors as sentences that name their field (src/runtime/i18n/field-errors.ts), shown in
   * the error summary and under the field. `{{field}}` is the field's label (`fields.<name>`);
   * `field_errors.<field>.<error>` words one error of one field.
   */
  field_errors: {
    blank: '{{field}} cannot be empty.',
    taken: '{{field}} is already taken.',
    invalid: '{{field}} is not valid.',
    not_an_integer: '{{field}} must be a whole number.',
    not_a_number: '{{field}} must be a number.',
    not_a_date: '{{field}} must be a date, like 2026-03-31.',
    invalid_email: '{{field}} must be an email address, like name@example.com.',
    invalid_format: '{{field}} is not in the right format.',
    invalid_phone: '{{field}} must have 7 to 15 digits, optionally starting with + and the country code.',
    too_short: '{{field}} must be at least {{count}} character(s) long.',
    too_short_one: '{{field}} must be at least {{count}} character long.',
    too_short_other: '{{field}} must be at least {{count}} characters long.',
    too_long: '{{field}} must be at most {{count}} character(s) long.',
    too_long_one: '{{field}} must be at most {{count}} character long.',
    too_long_other: '{{field}} must be at most {{count}} characters long.',
    too_long_bytes: '{{field}} must be at most {{count}} byte(s) long.',
    too_long_bytes_one: '{{field}} must be at most {{count}} byte long.',
    too_long_bytes_other: '{{field}} must be at most {{count}} bytes long.',
    confirmation: '{{field}} does not match.',
    invalid_current_password: '{{field}} is not right.',
    sign_in_again:
      'For your safety, this needs a recent sign-in. Sign out, sign in again and try within {{minutes}} minutes.',
    common_password: '{{field}} is too common and easy to guess. Try a few unrelated words instead.',
    not_found: '{{field}} was not found.',
    email: {
      blank: 'Enter your email address.',
      invalid_email: 'Enter an email address in the right format, like name@example.com.',
    },
    password: {
      blank: 'Enter a password.',
    },
    password_confirmation: {
      blank: 'Enter the password again in Confirm password.',
      confirmation: 'Confirm password does not match the password. Type the same password in both fields.',
    },
    current_password: {
      blank: 'Enter your current password to save the changes.',
      invalid_current_password: 'Current password is not right. Enter the password you sign in with.',
    },
    code: {
      blank: 'Enter the 6-digit code from your authenticator app.',
      invalid: 'The code is not right. Enter the 6-digit code your authenticator app shows now.',
    },
    /** The password that confirms turning two-factor off (two-factor/show.ejs). */
    disable_password: {
      blank: 'Enter your password to turn off two-factor authentication.',
      invalid_current_password:
        'The password to turn off two-factor authentication is not right. Enter the password you sign in with.',
      locked:
        'Turning off two-factor authentication is paused after too many wrong passwords. Wait {{minutes}} minutes and try again.',
    },
    /** The password that confirms new recovery codes (two-factor/show.ejs). */
    codes_password: {
      blank: 'Enter your password to get new recovery codes.',
      invalid_current_password:
        'The password to get new recovery codes is not right. Enter the password you sign in with.',
      locked:
        'New recovery codes are paused after too many wrong passwords. Wait {{minutes}} minutes and try again.',
    },
    /** The password typed again in the delete form (registration/edit.ejs, the second step). */
    delete_password: {
      sign_in_again:
        'For your safety, deleting an account without a password needs a recent sign-in. Sign out, sign in again and delete it within {{minutes}} minutes.',
      blank: 'Enter your password to delete your account.',
      invalid_current_password:
        'The password to delete your account is not right. Enter the password you sign in with.',
    },
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
    remember_me: 'Keep me signed in',
    code: 'Code',
    recovery_code: 'Recovery code',
    disable_password: 'Password',
    codes_password: 'Password',
  },

  /** Hints shown next to fields. */
  hints: {
    current_password: 'We need your current password to confirm your changes.',
    password_optional: "Leave blank if you don't want to change it.",
    no_password:
      'Your account has no password: you sign in another way. Set one here to sign in with it too.',
    password_length: 'At least {{count}} characters. Long passphrases are welcome.',
    unconfirmed_email: 'Click the link in the confirmation email to change your email to {{email}}.',
  },

  /** Page titles, buttons and page-specific texts, by controller and action. */
  pages: {
    session: {
      new: {
        title: 'Sign in',
        submit: 'Sign in',
        /** passkeys: the button above the password form, and what the page says when it cannot be used. */
        passkey: 'Sign in with a passkey',
        passkey_or: 'or sign in with your password',
        passkey_cancelled:
          'No passkey was used: the request was cancelled or timed out. Try again, or sign in with your password.',
        passkey_unsupported: 'This browser cannot use passkeys. Sign in with your password.',
      },
    },
    registration: {
      new: { title: 'Register', submit: 'Register' },
      edit: {
        title: 'Edit account',
        submit: 'Update',
        delete_title: 'Delete account',
        delete_submit: 'Delete account',
        delete_confirm: 'Are you sure? Your account will be deleted and cannot be restored.',
      },
      /** The delete form on the account page, whose password is the second step (registration/edit.ejs). */
      delete: {
        description:
          'This deletes your account and signs you out everywhere. It cannot be undone. Enter your password to confirm.',
        description_no_password:
          'This deletes your account and signs you out everywhere. It cannot be undone. Your account has no password: a recent sign-in confirms it.',
        submit: 'Delete my account',
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
    magic_link: {
      new: {
        title: 'Sign in with a link',
        description:
          "Enter your account's email address and we'll email you a link that signs you in. It works once, within {{minutes}} minutes.",
        submit: 'Email me a sign-in link',
      },
      /** The same words whether or not an account has the address. */
      sent: {
        title: 'Check your email',
        description:
          'If an account has this email address, a sign-in link is on its way to it. The link works once, within {{minutes}} minutes.',
        hint: 'No email after a few minutes? Look in your spam folder, or request a new link.',
        again: 'Request a new link',
      },
      show: {
        title: 'Sign in',
        description: 'You are about to sign in as {{user}}.',
        submit: 'Sign in',
        invalid_title: 'This link cannot be used',
      },
    },
    /** The landing page of a namespace (`gen.templates --namespace admin`): where sign-in leads. */
    landing: {
      title: '{{name}}',
      description: 'You are signed in to the {{name}} area as {{user}}.',
    },
    oauth: {
      continue_with: 'Continue with {{provider}}',
      /** Between the password form and the provider buttons. */
      divider: 'or',
      connected_title: 'Connected accounts',
      connected_description: 'You can sign in with the providers connected here.',
      connected_at: 'Connected {{date}}',
      not_connected: 'Not connected',
      connect: 'Connect',
      connect_label: 'Connect {{provider}}',
      disconnect: 'Disconnect',
      disconnect_label: 'Disconnect {{provider}}',
    },
    passkeys: {
      index: {
        title: 'Passkeys',
        description:
          'A passkey lets you sign in with your fingerprint, face or screen lock instead of your password. It stays on your device.',
        none: 'You have no passkeys yet.',
        created_at: 'Added {{date}}',
        last_used_at: 'Last used {{date}}',
        never_used: 'Not used yet',
        remove: 'Remove',
        remove_label: 'Remove {{label}}',
        add_title: 'Add a passkey',
        label: 'Name',
        label_hint:
          'To tell your passkeys apart, for example "Work laptop". Leave it blank to use the browser\'s name.',
        add: 'Add a passkey',
        cancelled: 'No passkey was added: the request was cancelled or timed out.',
        unsupported: 'This browser cannot create passkeys.',
      },
      confirm_delete: {
        title: 'Remove passkey',
        description: 'Remove the passkey "{{label}}"? You will no longer be able to sign in with it.',
        submit: 'Remove passkey',
        cancel: 'Keep it',
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
    two_factor: {
      /** The card on the account page that leads to the two-factor page. */
      account: {
        title: 'Two-factor authentication',
        description:
          'Ask for a code from an app on your phone after your password, so a stolen password is not enough.',
        link: 'Manage two-factor authentication',
      },
      show: {
        title: 'Two-factor authentication',
        on: 'Two-factor authentication is on: after your password, signing in asks for a code from your authenticator app.',
        off: 'Two-factor authentication is off. Turn it on to be asked for a code from an app on your phone after your password.',
        codes_left: 'Recovery codes left: {{count}}.',
        setup: 'Turn on two-factor authentication',
        disable_title: 'Turn off two-factor authentication',
        disable_description: 'Signing in will then need your password only. Enter your password to confirm.',
        disable_submit: 'Turn off two-factor authentication',
        codes_title: 'New recovery codes',
        codes_description:
          'Get ten new recovery codes, for example if yours are lost or used up. Your old codes stop working at once. Enter your password to confirm.',
        codes_submit: 'Get new recovery codes',
      },
      new: {
        title: 'Set up two-factor authentication',
        scan: 'Scan this QR code with an authenticator app, such as Aegis, Google Authenticator or 1Password.',
        qr_label: 'QR code for your authenticator app',
        manual: 'Cannot scan it? Enter this key in the app instead:',
        confirm: 'Then enter the 6-digit code the app shows, to check that it works.',
        submit: 'Turn on',
      },
      recovery_codes: {
        title: 'Save your recovery codes',
        description:
          'Two-factor authentication is on. If you lose your phone, each of these codes signs you in once instead of a code from the app. Save them somewhere safe now: they are shown only this once.',
        /** After new codes replaced the old ones. */
        replaced:
          'These ten codes replace your old recovery codes, which no longer work. Each one signs you in once instead of a code from the app. Save them somewhere safe now: they are shown only this once.',
        done: 'I have saved my recovery codes',
      },
      challenge: {
        title: 'Two-factor authentication',
        description: 'Enter the 6-digit code from your authenticator app.',
        submit: 'Verify',
        remember_device: 'Remember this device for {{count}} days',
        recovery_title: 'Use a recovery code',
        recovery_description:
          'Lost your phone? Enter one of your recovery codes instead. Each one works once.',
        recovery_submit: 'Sign in with a recovery code',
        start_over: 'Sign in again',
        /** passkeys: the second step with a passkey of this account instead of a code. */
        passkey_title: 'Use a passkey',
        passkey_description: 'Or confirm it is you with one of the passkeys of your account.',
        passkey_submit: 'Use a passkey',
        passkey_cancelled:
          'No passkey was used: the request was cancelled or timed out. Try again, or enter a code.',
        passkey_unsupported: 'This browser cannot use passkeys. Enter a code from your authenticator app.',
      },
    },
    security_log: {
      index: {
        title: 'Security log',
        description: 'What happened to your account in the last {{days}} days, newest first.',
        empty: 'Nothing has been recorded yet.',
        from_ip: 'From {{ip}}',
        unknown_browser: 'Unknown browser',
        unknown_os: 'unknown system',
        device: '{{browser}} on {{os}}',
        previous: 'Newer events',
        next: 'Older events',
        page: 'Page {{page}}',
        events: {
          sign_in: 'Signed in',
          sign_in_failed: 'Failed sign-in attempt',
          lockout: 'Sign-in locked after too many failed attempts',
          sign_out: 'Signed out',
          password_changed: 'Password changed',
          password_reset: 'Password reset with an email link',
          email_changed: 'Email address changed',
          two_factor_enabled: 'Two-factor authentication turned on',
          two_factor_disabled: 'Two-factor authentication turned off',
          two_factor_failed: 'Wrong two-factor code entered',
          recovery_code_used: 'Recovery code used',
          recovery_codes_regenerated: 'New recovery codes created',
          passkey_added: 'Passkey added',
          passkey_removed: 'Passkey removed',
          session_revoked: 'Another session signed out',
          identity_linked: 'Sign-in provider connected',
          identity_unlinked: 'Sign-in provider disconnected',
          magic_link_sign_in: 'Signed in with an email link',
        },
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
    magic_link: 'Email me a sign-in link',
    resend_confirmation: "Didn't receive a confirmation email?",
    invite: 'Invite a user',
    sessions: 'Active sessions',
    security_log: 'Security log',
    two_factor: 'Two-factor authentication',
    passkeys: 'Passkeys',
    back: 'Back',
    home: 'Home',
    /** On the page for a refused form that is not one of pow's. */
    start_page: 'Go to the start page',
  },

  layout: {
    signed_in_as: 'Signed in as {{user}}',
    skip_to_content: 'Skip to content',
    flash_info: 'Information',
    flash_error: 'Error',
    /** The page title after a failed submit (GOV.UK: screen readers hear it first). */
    error_title: 'Error: {{title}}',
    /** Shown in the header of a namespace's pages, so nobody mistakes the admin side for the users'. */
    area: '{{name}} area',
  },

  /** Mail subjects and bodies. `{{url}}` is the link; `{{invited_by}}` the inviter's user id. */
  /**
   * Mails (views/pow/mailer): `{{app}}` is the app name (mail config `appName`). Each mail has a
   * heading, a body, and the words of its button (`action`); the shared layout adds the rest.
   */
  mail: {
    /** Under the button, before the same link as text. */
    link_fallback: 'If the button does not work, copy this link into your browser:',
    /** `{{lifetime}}`: e.g. "1 hour", "48 hours", "7 days" (formatted for the mail's language). */
    link_lifetime: 'This link expires in {{lifetime}}.',
    footer: 'This email was sent by {{app}} to {{email}}.',
    /** Followed by the support address (mail config `supportEmail`); left out without one. */
    support: 'Questions? Write to',
    reset_password: {
      subject: 'Reset your {{app}} password',
      heading: 'Reset your password',
      body: 'Someone asked to reset the password of your {{app}} account. Choose a new password with the button below.',
      action: 'Choose a new password',
      ignore: 'If you did not ask for this, ignore this email: your password stays as it is.',
    },
    email_confirmation: {
      subject: 'Confirm your email for {{app}}',
      heading: 'Confirm your email',
      body: 'Confirm that this email address belongs to your {{app}} account.',
      action: 'Confirm your email',
    },
    invitation: {
      subject: "You've been invited to {{app}}",
      heading: "You've been invited to {{app}}",
      body: '{{invited_by}} invited you to {{app}}. Accept the invitation to choose your password.',
      action: 'Accept the invitation',
    },
    new_device: {
      subject: 'New sign-in to your {{app}} account',
      heading: 'New sign-in to your account',
      body: 'Your {{app}} account was just signed in to from a browser it has not been used with before.',
      when: 'When: {{time}}',
      device: 'Browser: {{device}}',
      action: 'Review where you are signed in',
      ignore:
        'If this was you, there is nothing to do. If not, sign that browser out and change your password.',
    },
    password_changed: {
      subject: 'Your {{app}} password was changed',
      heading: 'Your password was changed',
      body: 'The password of your {{app}} account was just changed. If you did not do this, reset your password now.',
      action: 'Reset your password',
    },
    email_changed: {
      subject: 'Your {{app}} email address is being changed',
      heading: 'Your email address is being changed',
      body: 'Someone asked to change the email address of your {{app}} account to {{email}}. If you did not do this, reset your password now.',
      action: 'Reset your password',
    },
    magic_link: {
      subject: 'Your sign-in link for {{app}}',
      heading: 'Sign in to {{app}}',
      body: 'Use the button below to sign in to your {{app}} account. The link works once.',
      action: 'Sign in',
      ignore: "If you didn't ask to sign in, ignore this email: nobody can sign in without the link.",
    },
    registration_attempt: {
      subject: 'Sign-up attempt at {{app}} with your email address',
      heading: 'Someone tried to sign up with your email',
      body: 'Someone tried to create an account at {{app}} with this email address, which already has one. If it was you, sign in, or reset your password from the sign-in page.',
      action: 'Sign in',
      ignore: 'Otherwise you can ignore this email.',
    },
  },
} as const;

/** A catalogue shaped like `en` (same keys, any strings). */
export type Catalogue = DeepStrings<typeof en>;

type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };
