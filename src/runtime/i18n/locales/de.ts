/**
 * German catalogue. Same keys as `en.ts` (the `Catalogue` type and a unit test check it).
 * Formal address ("Sie"). Empty strings mean "no flash message", as in `en`.
 */
import type { Catalogue } from './en.js';

export const de: Catalogue = {
  auth: {
    user_not_authenticated: '',
    user_already_authenticated: '',
    not_authenticated: 'Nicht angemeldet.',
    already_authenticated: 'Bereits angemeldet.',
    invalid_csrf:
      'Dieses Formular ist abgelaufen oder konnte nicht überprüft werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
    session_expired: 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.',
    too_many_requests:
      'Zu viele Anfragen. Bitte warten Sie eine Weile und versuchen Sie es dann noch einmal.',
    unavailable_title: 'Vorübergehend nicht verfügbar',
    unavailable:
      'Die Anmeldung ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Sekunden noch einmal.',
  },

  session: {
    signed_in: '',
    signed_out: '',
    invalid_credentials:
      'Die angegebenen Anmeldedaten haben nicht funktioniert. Bitte überprüfen Sie Ihre Angaben und versuchen Sie es noch einmal.',
    too_many_attempts:
      'Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie eine Weile und versuchen Sie es dann noch einmal.',
  },

  registration: {
    user_has_been_created: '',
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
    form_has_errors: 'Da ist etwas schiefgegangen. Bitte prüfen Sie die Fehler unten.',
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
        title: 'Profil bearbeiten',
        submit: 'Speichern',
        delete_title: 'Konto löschen',
        delete_submit: 'Konto löschen',
        delete_confirm: 'Sind Sie sicher? Ihr Konto wird gelöscht und kann nicht wiederhergestellt werden.',
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
  },

  layout: {
    signed_in_as: 'Angemeldet als {{user}}',
    skip_to_content: 'Zum Inhalt springen',
    flash_info: 'Hinweis',
    flash_error: 'Fehler',
  },

  mail: {
    greeting: 'Hallo,',
    reset_password: {
      subject: 'Link zum Zurücksetzen des Passworts',
      body: 'Bitte verwenden Sie den folgenden Link, um Ihr Passwort zurückzusetzen:',
      ignore: 'Falls Sie das Zurücksetzen nicht angefordert haben, können Sie diese E-Mail ignorieren.',
    },
    email_confirmation: {
      subject: 'Bestätigen Sie Ihre E-Mail-Adresse',
      body: 'Bitte verwenden Sie den folgenden Link, um Ihre E-Mail-Adresse zu bestätigen:',
    },
    invitation: {
      subject: 'Sie wurden eingeladen',
      body: 'Sie wurden von {{invited_by}} eingeladen. Bitte verwenden Sie den folgenden Link, um die Einladung anzunehmen:',
    },
    password_changed: {
      subject: 'Ihr Passwort wurde geändert',
      body: 'Das Passwort Ihres Kontos wurde geändert. Falls Sie das nicht waren, setzen Sie Ihr Passwort jetzt zurück und kontaktieren Sie uns.',
    },
    email_changed: {
      subject: 'Ihre E-Mail-Adresse wird geändert',
      body: 'Es wurde beantragt, die E-Mail-Adresse Ihres Kontos in {{email}} zu ändern. Falls Sie das nicht waren, ändern Sie jetzt Ihr Passwort und kontaktieren Sie uns.',
    },
    registration_attempt: {
      subject: 'Registrierungsversuch mit Ihrer E-Mail-Adresse',
      body: 'Jemand hat versucht, mit dieser E-Mail-Adresse ein Konto anzulegen, obwohl es schon eines gibt. Falls Sie das waren, melden Sie sich an oder setzen Sie hier Ihr Passwort zurück:',
      ignore: 'Andernfalls können Sie diese E-Mail ignorieren.',
    },
  },
};
