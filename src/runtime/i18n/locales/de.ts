/**
 * German catalogue. Same keys as `en.ts` (the `Catalogue` type and a unit test check it).
 * Formal address ("Sie"). Empty strings mean "no flash message", as in `en`.
 */
import type { Catalogue } from './en.js';

export const de: Catalogue = {
  auth: {
    user_not_authenticated: 'Bitte melden Sie sich an, um diese Seite zu sehen.',
    user_already_authenticated: '',
    not_authenticated: 'Nicht angemeldet.',
    already_authenticated: 'Bereits angemeldet.',
    invalid_csrf:
      'Dieses Formular ist abgelaufen oder konnte nicht überprüft werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
    session_expired: 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.',
    form_expired:
      'Dieses Formular war abgelaufen (es war lange geöffnet, oder Sie haben sich in einem anderen Tab an- oder abgemeldet), deshalb wurde nichts gesendet. Bitte prüfen Sie das Formular und senden Sie es noch einmal.',
    form_rejected_title: 'Dieses Formular konnte nicht gesendet werden',
    form_rejected:
      'Das Formular war abgelaufen oder kam von einer anderen Website, deshalb wurde nichts geändert. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal.',
    too_many_requests:
      'Zu viele Anfragen. Bitte warten Sie eine Weile und versuchen Sie es dann noch einmal.',
    unavailable_title: 'Vorübergehend nicht verfügbar',
    unavailable:
      'Die Anmeldung ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Sekunden noch einmal.',
  },

  session: {
    signed_in: 'Sie sind angemeldet.',
    signed_out: 'Sie sind abgemeldet.',
    invalid_credentials:
      'Die angegebenen Anmeldedaten haben nicht funktioniert. Bitte überprüfen Sie Ihre Angaben und versuchen Sie es noch einmal.',
    too_many_attempts:
      'Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie eine Weile und versuchen Sie es dann noch einmal.',
    account_locked:
      'Die Anmeldung mit diesen Angaben ist nach zu vielen Fehlversuchen pausiert. Warten Sie {{minutes}} Minuten und versuchen Sie es noch einmal, oder setzen Sie Ihr Passwort zurück, falls Sie es vergessen haben.',
  },

  registration: {
    user_has_been_created: 'Willkommen! Ihr Konto wurde angelegt.',
    user_has_been_updated: 'Ihr Konto wurde aktualisiert.',
    user_has_been_deleted: 'Ihr Konto wurde gelöscht. Schade, dass Sie gehen!',
    user_could_not_be_deleted: 'Ihr Konto konnte nicht gelöscht werden.',
  },

  sessions: {
    session_revoked: 'Die Sitzung wurde abgemeldet.',
    other_sessions_revoked: 'Alle anderen Sitzungen wurden abgemeldet.',
    remembered_device_revoked: 'Dieser Browser bleibt nicht mehr angemeldet.',
    session_not_found: 'Diese Sitzung ist bereits beendet.',
  },

  oauth: {
    signed_in: 'Sie sind mit {{provider}} angemeldet.',
    signed_up: 'Willkommen! Ihr Konto wurde mit {{provider}} erstellt.',
    linked: '{{provider}} ist jetzt mit Ihrem Konto verbunden.',
    unlinked: '{{provider}} ist nicht mehr mit Ihrem Konto verbunden.',
    email_taken:
      'Es gibt bereits ein Konto mit der E-Mail-Adresse von {{provider}}. Melden Sie sich mit Ihrem Passwort an und verbinden Sie {{provider}} dann auf Ihrer Kontoseite.',
    identity_taken: 'Dieses {{provider}}-Konto ist bereits mit einem anderen Konto verbunden.',
    registration_closed: 'Mit diesem {{provider}}-Konto ist kein Konto verbunden.',
    email_required: '{{provider}} hat keine E-Mail-Adresse mitgeteilt, die ein neues Konto braucht.',
    state_mismatch:
      'Die Anmeldung mit {{provider}} konnte nicht geprüft werden. Bitte versuchen Sie es erneut.',
    expired:
      'Die Anmeldung mit {{provider}} hat zu lange gedauert oder wurde in einem anderen Browser begonnen. Bitte versuchen Sie es erneut.',
    denied: 'Die Anmeldung mit {{provider}} wurde abgebrochen.',
    invalid_response:
      'Die Antwort von {{provider}} konnte nicht geprüft werden. Bitte versuchen Sie es erneut.',
    incomplete_profile: '{{provider}} hat nicht die Angaben mitgeteilt, die für die Anmeldung nötig sind.',
    last_sign_in_method:
      '{{provider}} kann nicht getrennt werden: Es ist die einzige Möglichkeit, sich bei Ihrem Konto anzumelden. Legen Sie zuerst ein Passwort fest.',
    not_linked: '{{provider}} ist nicht mit Ihrem Konto verbunden.',
  },

  reset_password: {
    email_has_been_sent:
      'Falls ein Konto mit dieser E-Mail-Adresse existiert, erhalten Sie eine E-Mail mit einer Anleitung zum Zurücksetzen. Bitte sehen Sie in Ihrem Posteingang nach.',
    maybe_email_has_been_sent:
      'Falls ein Konto mit dieser E-Mail-Adresse existiert, erhalten Sie eine E-Mail mit einer Anleitung zum Zurücksetzen. Bitte sehen Sie in Ihrem Posteingang nach.',
    user_not_found: 'Zu dieser E-Mail-Adresse gibt es kein Konto. Bitte versuchen Sie es noch einmal.',
    invalid_token: 'Der Link zum Zurücksetzen ist abgelaufen.',
    password_has_been_reset: 'Das Passwort wurde geändert.',
  },

  email_confirmation: {
    email_has_been_confirmed: 'Die E-Mail-Adresse wurde bestätigt.',
    email_confirmation_failed: 'Die E-Mail-Adresse konnte nicht bestätigt werden.',
    invalid_token: 'Der Bestätigungslink ist ungültig oder abgelaufen.',
    already_confirmed: 'Die E-Mail-Adresse wurde bereits bestätigt.',
    email_confirmation_required:
      'Sie müssen Ihre E-Mail-Adresse bestätigen, bevor Sie sich anmelden können. Ein Bestätigungslink wurde Ihnen per E-Mail geschickt.',
    email_confirmation_required_for_update:
      'Sie müssen die neue E-Mail-Adresse bestätigen, bevor sie übernommen wird. Ein Bestätigungslink wurde Ihnen per E-Mail geschickt.',
    confirmation_resent:
      'Falls ein noch nicht bestätigtes Konto mit dieser E-Mail-Adresse existiert, wurde Ihnen ein neuer Bestätigungslink geschickt.',
  },

  invitation: {
    invalid_invitation: 'Diese Einladung existiert nicht.',
    invitation_email_sent: 'Eine E-Mail mit dem Einladungslink wurde verschickt.',
    invitation_accepted: 'Willkommen! Ihr Konto ist eingerichtet und Sie sind angemeldet.',
  },

  errors: {
    blank: 'muss ausgefüllt werden',
    taken: 'ist bereits vergeben',
    invalid: 'ist ungültig',
    not_an_integer: 'muss eine ganze Zahl sein',
    not_a_number: 'muss eine Zahl sein',
    not_a_date: 'muss ein Datum sein',
    invalid_email: 'hat ein ungültiges Format',
    invalid_format: 'hat ein ungültiges Format',
    invalid_phone: 'muss 7 bis 15 Ziffern haben, optional mit + und Ländervorwahl am Anfang',
    too_short: 'muss mindestens {{count}} Zeichen lang sein',
    too_short_one: 'muss mindestens {{count}} Zeichen lang sein',
    too_short_other: 'muss mindestens {{count}} Zeichen lang sein',
    too_long: 'darf höchstens {{count}} Zeichen lang sein',
    too_long_one: 'darf höchstens {{count}} Zeichen lang sein',
    too_long_other: 'darf höchstens {{count}} Zeichen lang sein',
    too_long_bytes: 'darf höchstens {{count}} Byte lang sein',
    too_long_bytes_one: 'darf höchstens {{count}} Byte lang sein',
    too_long_bytes_other: 'darf höchstens {{count}} Byte lang sein',
    confirmation: 'stimmt nicht mit der Bestätigung überein',
    invalid_current_password: 'ist nicht korrekt',
    common_password: 'ist zu verbreitet, bitte wählen Sie ein schwerer zu erratendes Passwort',
    not_found: 'wurde nicht gefunden',
    form_has_errors: 'Es gibt ein Problem',
  },

  field_errors: {
    blank: '{{field}} darf nicht leer sein.',
    taken: '{{field}} ist bereits vergeben.',
    invalid: '{{field}} ist ungültig.',
    not_an_integer: '{{field}} muss eine ganze Zahl sein.',
    not_a_number: '{{field}} muss eine Zahl sein.',
    not_a_date: '{{field}} muss ein Datum sein, etwa 2026-03-31.',
    invalid_email: '{{field}} muss eine E-Mail-Adresse sein, etwa name@example.com.',
    invalid_format: '{{field}} hat nicht das richtige Format.',
    invalid_phone: '{{field}} muss 7 bis 15 Ziffern haben, optional mit + und Ländervorwahl am Anfang.',
    too_short: '{{field}} muss mindestens {{count}} Zeichen lang sein.',
    too_short_one: '{{field}} muss mindestens {{count}} Zeichen lang sein.',
    too_short_other: '{{field}} muss mindestens {{count}} Zeichen lang sein.',
    too_long: '{{field}} darf höchstens {{count}} Zeichen lang sein.',
    too_long_one: '{{field}} darf höchstens {{count}} Zeichen lang sein.',
    too_long_other: '{{field}} darf höchstens {{count}} Zeichen lang sein.',
    too_long_bytes: '{{field}} darf höchstens {{count}} Byte lang sein.',
    too_long_bytes_one: '{{field}} darf höchstens {{count}} Byte lang sein.',
    too_long_bytes_other: '{{field}} darf höchstens {{count}} Byte lang sein.',
    confirmation: '{{field}} stimmt nicht überein.',
    invalid_current_password: '{{field}} ist nicht korrekt.',
    common_password:
      '{{field}} ist zu verbreitet und leicht zu erraten. Versuchen Sie einige Wörter, die nichts miteinander zu tun haben.',
    not_found: '{{field}} wurde nicht gefunden.',
    email: {
      blank: 'Geben Sie Ihre E-Mail-Adresse ein.',
      invalid_email: 'Geben Sie eine E-Mail-Adresse im richtigen Format ein, etwa name@example.com.',
    },
    password: {
      blank: 'Geben Sie ein Passwort ein.',
    },
    password_confirmation: {
      blank: 'Geben Sie das Passwort unter „Passwort bestätigen“ noch einmal ein.',
      confirmation:
        'Passwort bestätigen stimmt nicht mit dem Passwort überein. Geben Sie in beide Felder dasselbe Passwort ein.',
    },
    current_password: {
      blank: 'Geben Sie Ihr aktuelles Passwort ein, um die Änderungen zu speichern.',
      invalid_current_password:
        'Das aktuelle Passwort ist nicht korrekt. Geben Sie das Passwort ein, mit dem Sie sich anmelden.',
    },
    delete_password: {
      blank: 'Geben Sie Ihr Passwort ein, um Ihr Konto zu löschen.',
      invalid_current_password:
        'Das Passwort zum Löschen Ihres Kontos ist nicht korrekt. Geben Sie das Passwort ein, mit dem Sie sich anmelden.',
    },
  },

  fields: {
    email: 'E-Mail',
    username: 'Benutzername',
    phone: 'Telefonnummer',
    user_id: 'E-Mail oder Benutzername',
    one_of: {
      two: '{{first}} oder {{last}}',
      more: '{{first}}, {{middle}} oder {{last}}',
    },
    in_list: {
      email: 'E-Mail',
      username: 'Benutzername',
      phone: 'Telefonnummer',
    },
    password: 'Passwort',
    password_confirmation: 'Passwort bestätigen',
    current_password: 'Aktuelles Passwort',
    new_password: 'Neues Passwort',
    remember_me: 'Angemeldet bleiben',
  },

  hints: {
    current_password: 'Wir benötigen Ihr aktuelles Passwort, um die Änderungen zu bestätigen.',
    password_optional: 'Leer lassen, wenn Sie es nicht ändern möchten.',
    password_length: 'Mindestens {{count}} Zeichen. Lange Passphrasen sind willkommen.',
    unconfirmed_email:
      'Klicken Sie auf den Link in der Bestätigungs-E-Mail, um Ihre E-Mail-Adresse in {{email}} zu ändern.',
  },

  pages: {
    session: {
      new: { title: 'Anmelden', submit: 'Anmelden' },
    },
    registration: {
      new: { title: 'Registrieren', submit: 'Registrieren' },
      edit: {
        title: 'Konto bearbeiten',
        submit: 'Speichern',
        delete_title: 'Konto löschen',
        delete_submit: 'Konto löschen',
        delete_confirm: 'Sind Sie sicher? Ihr Konto wird gelöscht und kann nicht wiederhergestellt werden.',
      },
      delete: {
        description:
          'Damit wird Ihr Konto gelöscht und Sie werden überall abgemeldet. Das kann nicht rückgängig gemacht werden. Geben Sie zur Bestätigung Ihr Passwort ein.',
        submit: 'Mein Konto löschen',
      },
    },
    reset_password: {
      new: {
        title: 'Passwort zurücksetzen',
        submit: 'Anleitung senden',
        description:
          'Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir schicken Ihnen einen Link, mit dem Sie ein neues Passwort wählen können.',
      },
      edit: { title: 'Neues Passwort wählen', submit: 'Passwort zurücksetzen' },
    },
    confirmation: {
      new: {
        title: 'Bestätigungs-E-Mail erneut senden',
        submit: 'Bestätigungs-E-Mail erneut senden',
        description:
          'Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir schicken Ihnen einen neuen Bestätigungslink.',
      },
    },
    invitation: {
      new: { title: 'Person einladen', submit: 'Einladung senden' },
      show: {
        title: 'Einladung erstellt',
        description: 'Bitte schicken Sie der eingeladenen Person die folgende Adresse.',
      },
      edit: {
        title: 'Einladung annehmen',
        submit: 'Einladung annehmen',
        description: 'Wählen Sie ein Passwort, um Ihr Konto einzurichten.',
      },
    },
    landing: {
      title: '{{name}}',
      description: 'Sie sind im Bereich {{name}} angemeldet als {{user}}.',
    },
    oauth: {
      continue_with: 'Weiter mit {{provider}}',
      divider: 'oder',
      connected_title: 'Verbundene Konten',
      connected_description: 'Mit den hier verbundenen Anbietern können Sie sich anmelden.',
      connected_at: 'Verbunden am {{date}}',
      not_connected: 'Nicht verbunden',
      connect: 'Verbinden',
      connect_label: '{{provider}} verbinden',
      disconnect: 'Trennen',
      disconnect_label: '{{provider}} trennen',
    },
    sessions: {
      index: {
        title: 'Aktive Sitzungen',
        current: 'Dieses Gerät',
        created_at: 'Angemeldet am {{date}}',
        last_seen_at: 'Zuletzt aktiv {{date}}',
        revoke: 'Abmelden',
        revoke_others: 'Alle anderen Sitzungen abmelden',
        revoke_session_label: '{{device}} abmelden',
        unknown_browser: 'Unbekannter Browser',
        unknown_os: 'unbekanntes System',
        device: '{{browser}} unter {{os}}',
        only_this_device: 'Sie sind nur auf diesem Gerät angemeldet.',
        remembered_title: 'Browser, die Sie angemeldet halten',
        remembered_description: 'Diese Browser melden Sie bis zum angegebenen Datum ohne Passwort wieder an.',
        remembered_until: 'Bis {{date}}',
        forget: 'Vergessen',
        forget_label: '{{device}} vergessen',
      },
    },
  },

  links: {
    sign_in: 'Anmelden',
    register: 'Registrieren',
    sign_out: 'Abmelden',
    edit_account: 'Konto bearbeiten',
    reset_password: 'Passwort vergessen?',
    resend_confirmation: 'Keine Bestätigungs-E-Mail erhalten?',
    invite: 'Person einladen',
    sessions: 'Aktive Sitzungen',
    back: 'Zurück',
    home: 'Startseite',
    start_page: 'Zur Startseite',
  },

  layout: {
    signed_in_as: 'Angemeldet als {{user}}',
    skip_to_content: 'Zum Inhalt springen',
    flash_info: 'Hinweis',
    flash_error: 'Fehler',
    error_title: 'Fehler: {{title}}',
    area: 'Bereich {{name}}',
  },

  mail: {
    link_fallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:',
    link_lifetime: 'Dieser Link ist {{lifetime}} lang gültig.',
    footer: 'Diese E-Mail wurde von {{app}} an {{email}} gesendet.',
    support: 'Fragen? Schreiben Sie an',
    reset_password: {
      subject: 'Passwort für {{app}} zurücksetzen',
      heading: 'Passwort zurücksetzen',
      body: 'Jemand hat beantragt, das Passwort Ihres Kontos bei {{app}} zurückzusetzen. Wählen Sie über die Schaltfläche unten ein neues Passwort.',
      action: 'Neues Passwort wählen',
      ignore:
        'Falls Sie das nicht beantragt haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.',
    },
    email_confirmation: {
      subject: 'Bestätigen Sie Ihre E-Mail-Adresse für {{app}}',
      heading: 'E-Mail-Adresse bestätigen',
      body: 'Bestätigen Sie, dass diese E-Mail-Adresse zu Ihrem Konto bei {{app}} gehört.',
      action: 'E-Mail-Adresse bestätigen',
    },
    invitation: {
      subject: 'Sie wurden zu {{app}} eingeladen',
      heading: 'Sie wurden zu {{app}} eingeladen',
      body: '{{invited_by}} hat Sie zu {{app}} eingeladen. Nehmen Sie die Einladung an, um Ihr Passwort zu wählen.',
      action: 'Einladung annehmen',
    },
    password_changed: {
      subject: 'Ihr Passwort für {{app}} wurde geändert',
      heading: 'Ihr Passwort wurde geändert',
      body: 'Das Passwort Ihres Kontos bei {{app}} wurde soeben geändert. Falls Sie das nicht waren, setzen Sie Ihr Passwort jetzt zurück.',
      action: 'Passwort zurücksetzen',
    },
    email_changed: {
      subject: 'Die E-Mail-Adresse Ihres Kontos bei {{app}} wird geändert',
      heading: 'Ihre E-Mail-Adresse wird geändert',
      body: 'Jemand hat beantragt, die E-Mail-Adresse Ihres Kontos bei {{app}} in {{email}} zu ändern. Falls Sie das nicht waren, setzen Sie Ihr Passwort jetzt zurück.',
      action: 'Passwort zurücksetzen',
    },
    registration_attempt: {
      subject: 'Registrierungsversuch bei {{app}} mit Ihrer E-Mail-Adresse',
      heading: 'Jemand wollte sich mit Ihrer E-Mail-Adresse registrieren',
      body: 'Jemand hat versucht, bei {{app}} mit dieser E-Mail-Adresse ein Konto anzulegen, obwohl es schon eines gibt. Falls Sie das waren, melden Sie sich an oder setzen Sie auf der Anmeldeseite Ihr Passwort zurück.',
      action: 'Anmelden',
      ignore: 'Andernfalls können Sie diese E-Mail ignorieren.',
    },
  },
};
