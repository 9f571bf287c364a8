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
    unconfirmed:
      'Bitte bestätigen Sie Ihre E-Mail-Adresse: Wir haben Ihnen einen Link geschickt. Dann fahren Sie erneut mit {{provider}} fort.',
    'two-factor': 'Geben Sie den Code aus Ihrer Authenticator-App ein, um die Anmeldung abzuschließen.',
  },

  two_factor: {
    code_required: 'Geben Sie den Code aus Ihrer Authenticator-App ein, um die Anmeldung abzuschließen.',
    invalid_code:
      'Der Code stimmt nicht. Geben Sie den 6-stelligen Code ein, den Ihre Authenticator-App gerade anzeigt.',
    reused_code:
      'Dieser Code wurde bereits verwendet. Warten Sie auf den nächsten Code in Ihrer Authenticator-App und geben Sie ihn ein.',
    invalid_recovery_code: 'Der Wiederherstellungscode stimmt nicht oder wurde bereits verwendet.',
    invalid_passkey:
      'Dieser Passkey hat nicht funktioniert. Versuchen Sie es erneut oder geben Sie einen Code aus Ihrer Authenticator-App ein.',
    expired: 'Die Anmeldung hat zu lange gedauert. Bitte melden Sie sich erneut mit Ihrem Passwort an.',
    locked:
      'Die Anmeldung ist nach zu vielen falschen Codes pausiert. Warten Sie {{minutes}} Minuten und versuchen Sie es erneut.',
    enabled: 'Die Zwei-Faktor-Authentifizierung ist eingeschaltet.',
    disabled: 'Die Zwei-Faktor-Authentifizierung ist ausgeschaltet.',
    already_enabled: 'Die Zwei-Faktor-Authentifizierung ist bereits eingeschaltet.',
    no_password:
      'Legen Sie ein Passwort für Ihr Konto fest, bevor Sie die Zwei-Faktor-Authentifizierung einschalten.',
    setup_replaced:
      'Diese Einrichtung ist beendet. Scannen Sie den QR-Code unten und geben Sie dessen Code ein.',
  },

  passkeys: {
    added: 'Ihr Passkey wurde hinzugefügt. Sie können sich jetzt damit anmelden.',
    removed: 'Der Passkey wurde entfernt.',
    not_found: 'Diesen Passkey gibt es nicht mehr.',
    sign_in_failed:
      'Dieser Passkey hat nicht funktioniert. Versuchen Sie es noch einmal oder melden Sie sich mit Ihrem Passwort an.',
    expired: 'Die Passkey-Anfrage ist abgelaufen. Bitte versuchen Sie es noch einmal.',
    add_failed: 'Der Passkey konnte nicht hinzugefügt werden. Bitte versuchen Sie es noch einmal.',
    already_registered: 'Dieser Passkey ist bereits registriert.',
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

  magic_link: {
    invalid_token: 'Dieser Anmeldelink ist ungültig oder abgelaufen. Fordern Sie unten einen neuen an.',
    already_used:
      'Dieser Anmeldelink wurde bereits verwendet: Jeder Link meldet nur einmal an. Fordern Sie unten einen neuen an.',
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
    sign_in_again: 'braucht eine frische Anmeldung: melden Sie sich ab und wieder an',
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
    sign_in_again:
      'Zu Ihrer Sicherheit braucht das eine frische Anmeldung. Melden Sie sich ab, wieder an und versuchen Sie es innerhalb von {{minutes}} Minuten.',
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
    code: {
      blank: 'Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.',
      invalid:
        'Der Code stimmt nicht. Geben Sie den 6-stelligen Code ein, den Ihre Authenticator-App gerade anzeigt.',
    },
    disable_password: {
      blank: 'Geben Sie Ihr Passwort ein, um die Zwei-Faktor-Authentifizierung auszuschalten.',
      invalid_current_password:
        'Das Passwort zum Ausschalten der Zwei-Faktor-Authentifizierung ist nicht korrekt. Geben Sie das Passwort ein, mit dem Sie sich anmelden.',
      locked:
        'Das Ausschalten der Zwei-Faktor-Authentifizierung ist nach zu vielen falschen Passwörtern pausiert. Warten Sie {{minutes}} Minuten und versuchen Sie es erneut.',
    },
    codes_password: {
      blank: 'Geben Sie Ihr Passwort ein, um neue Wiederherstellungscodes zu erhalten.',
      invalid_current_password:
        'Das Passwort für neue Wiederherstellungscodes ist nicht korrekt. Geben Sie das Passwort ein, mit dem Sie sich anmelden.',
      locked:
        'Neue Wiederherstellungscodes sind nach zu vielen falschen Passwörtern pausiert. Warten Sie {{minutes}} Minuten und versuchen Sie es erneut.',
    },
    delete_password: {
      sign_in_again:
        'Zu Ihrer Sicherheit braucht das Löschen eines Kontos ohne Passwort eine frische Anmeldung. Melden Sie sich ab, wieder an und löschen Sie es innerhalb von {{minutes}} Minuten.',
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
    code: 'Code',
    recovery_code: 'Wiederherstellungscode',
    disable_password: 'Passwort',
    codes_password: 'Passwort',
  },

  hints: {
    current_password: 'Wir benötigen Ihr aktuelles Passwort, um die Änderungen zu bestätigen.',
    password_optional: 'Leer lassen, wenn Sie es nicht ändern möchten.',
    no_password:
      'Ihr Konto hat kein Passwort: Sie melden sich anders an. Legen Sie hier eines fest, um sich auch damit anzumelden.',
    password_length: 'Mindestens {{count}} Zeichen. Lange Passphrasen sind willkommen.',
    unconfirmed_email:
      'Klicken Sie auf den Link in der Bestätigungs-E-Mail, um Ihre E-Mail-Adresse in {{email}} zu ändern.',
  },

  pages: {
    session: {
      new: {
        title: 'Anmelden',
        submit: 'Anmelden',
        passkey: 'Mit einem Passkey anmelden',
        passkey_or: 'oder mit Ihrem Passwort anmelden',
        passkey_cancelled:
          'Es wurde kein Passkey verwendet: Die Anfrage wurde abgebrochen oder ist abgelaufen. Versuchen Sie es noch einmal oder melden Sie sich mit Ihrem Passwort an.',
        passkey_unsupported:
          'Dieser Browser kann keine Passkeys verwenden. Melden Sie sich mit Ihrem Passwort an.',
      },
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
        description_no_password:
          'Damit wird Ihr Konto gelöscht und Sie werden überall abgemeldet. Das kann nicht rückgängig gemacht werden. Ihr Konto hat kein Passwort: eine frische Anmeldung bestätigt es.',
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
    magic_link: {
      new: {
        title: 'Mit einem Link anmelden',
        description:
          'Geben Sie die E-Mail-Adresse Ihres Kontos ein, und wir schicken Ihnen einen Link, der Sie anmeldet. Er funktioniert einmal, innerhalb von {{minutes}} Minuten.',
        submit: 'Anmeldelink per E-Mail senden',
      },
      sent: {
        title: 'Sehen Sie in Ihrem Posteingang nach',
        description:
          'Falls ein Konto mit dieser E-Mail-Adresse existiert, ist ein Anmeldelink dorthin unterwegs. Der Link funktioniert einmal, innerhalb von {{minutes}} Minuten.',
        hint: 'Nach einigen Minuten keine E-Mail? Sehen Sie im Spam-Ordner nach, oder fordern Sie einen neuen Link an.',
        again: 'Neuen Link anfordern',
      },
      show: {
        title: 'Anmelden',
        description: 'Sie melden sich gleich als {{user}} an.',
        submit: 'Anmelden',
        invalid_title: 'Dieser Link kann nicht verwendet werden',
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
    passkeys: {
      index: {
        title: 'Passkeys',
        description:
          'Mit einem Passkey melden Sie sich per Fingerabdruck, Gesicht oder Bildschirmsperre statt mit Ihrem Passwort an. Er bleibt auf Ihrem Gerät.',
        none: 'Sie haben noch keine Passkeys.',
        created_at: 'Hinzugefügt am {{date}}',
        last_used_at: 'Zuletzt verwendet am {{date}}',
        never_used: 'Noch nicht verwendet',
        remove: 'Entfernen',
        remove_label: '{{label}} entfernen',
        add_title: 'Passkey hinzufügen',
        label: 'Name',
        label_hint:
          'Damit Sie Ihre Passkeys unterscheiden können, zum Beispiel „Arbeitslaptop“. Leer gelassen, erhält er den Namen des Browsers.',
        add: 'Passkey hinzufügen',
        cancelled: 'Es wurde kein Passkey hinzugefügt: Die Anfrage wurde abgebrochen oder ist abgelaufen.',
        unsupported: 'Dieser Browser kann keine Passkeys erstellen.',
      },
      confirm_delete: {
        title: 'Passkey entfernen',
        description: 'Den Passkey „{{label}}“ entfernen? Sie können sich danach nicht mehr damit anmelden.',
        submit: 'Passkey entfernen',
        cancel: 'Behalten',
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
    two_factor: {
      account: {
        title: 'Zwei-Faktor-Authentifizierung',
        description:
          'Nach dem Passwort wird ein Code aus einer App auf Ihrem Telefon abgefragt, damit ein gestohlenes Passwort nicht genügt.',
        link: 'Zwei-Faktor-Authentifizierung verwalten',
      },
      show: {
        title: 'Zwei-Faktor-Authentifizierung',
        on: 'Die Zwei-Faktor-Authentifizierung ist eingeschaltet: Nach Ihrem Passwort fragt die Anmeldung nach einem Code aus Ihrer Authenticator-App.',
        off: 'Die Zwei-Faktor-Authentifizierung ist ausgeschaltet. Schalten Sie sie ein, damit nach Ihrem Passwort ein Code aus einer App auf Ihrem Telefon abgefragt wird.',
        codes_left: 'Verbleibende Wiederherstellungscodes: {{count}}.',
        setup: 'Zwei-Faktor-Authentifizierung einschalten',
        disable_title: 'Zwei-Faktor-Authentifizierung ausschalten',
        disable_description:
          'Für die Anmeldung genügt dann wieder Ihr Passwort. Geben Sie zur Bestätigung Ihr Passwort ein.',
        disable_submit: 'Zwei-Faktor-Authentifizierung ausschalten',
        codes_title: 'Neue Wiederherstellungscodes',
        codes_description:
          'Erhalten Sie zehn neue Wiederherstellungscodes, etwa wenn Ihre verloren oder aufgebraucht sind. Ihre alten Codes funktionieren sofort nicht mehr. Geben Sie zur Bestätigung Ihr Passwort ein.',
        codes_submit: 'Neue Wiederherstellungscodes erstellen',
      },
      new: {
        title: 'Zwei-Faktor-Authentifizierung einrichten',
        scan: 'Scannen Sie diesen QR-Code mit einer Authenticator-App, etwa Aegis, Google Authenticator oder 1Password.',
        qr_label: 'QR-Code für Ihre Authenticator-App',
        manual: 'Scannen klappt nicht? Geben Sie stattdessen diesen Schlüssel in der App ein:',
        confirm:
          'Geben Sie dann den 6-stelligen Code ein, den die App anzeigt, um zu prüfen, dass es funktioniert.',
        submit: 'Einschalten',
      },
      recovery_codes: {
        title: 'Speichern Sie Ihre Wiederherstellungscodes',
        description:
          'Die Zwei-Faktor-Authentifizierung ist eingeschaltet. Wenn Sie Ihr Telefon verlieren, meldet Sie jeder dieser Codes einmal an, anstelle eines Codes aus der App. Speichern Sie sie jetzt an einem sicheren Ort: Sie werden nur dieses eine Mal angezeigt.',
        replaced:
          'Diese zehn Codes ersetzen Ihre alten Wiederherstellungscodes, die nicht mehr funktionieren. Jeder meldet Sie einmal an, anstelle eines Codes aus der App. Speichern Sie sie jetzt an einem sicheren Ort: Sie werden nur dieses eine Mal angezeigt.',
        done: 'Ich habe meine Wiederherstellungscodes gespeichert',
      },
      challenge: {
        title: 'Zwei-Faktor-Authentifizierung',
        description: 'Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.',
        submit: 'Bestätigen',
        remember_device: 'Dieses Gerät {{count}} Tage lang merken',
        recovery_title: 'Wiederherstellungscode verwenden',
        recovery_description:
          'Telefon verloren? Geben Sie stattdessen einen Ihrer Wiederherstellungscodes ein. Jeder funktioniert einmal.',
        recovery_submit: 'Mit Wiederherstellungscode anmelden',
        start_over: 'Erneut anmelden',
        passkey_title: 'Passkey verwenden',
        passkey_description: 'Oder bestätigen Sie mit einem der Passkeys Ihres Kontos, dass Sie es sind.',
        passkey_submit: 'Passkey verwenden',
        passkey_cancelled:
          'Es wurde kein Passkey verwendet: Die Anfrage wurde abgebrochen oder ist abgelaufen. Versuchen Sie es erneut oder geben Sie einen Code ein.',
        passkey_unsupported:
          'Dieser Browser kann keine Passkeys verwenden. Geben Sie einen Code aus Ihrer Authenticator-App ein.',
      },
    },
    security_log: {
      index: {
        title: 'Sicherheitsprotokoll',
        description: 'Was in den letzten {{days}} Tagen mit Ihrem Konto geschehen ist, das Neueste zuerst.',
        empty: 'Bisher wurde nichts aufgezeichnet.',
        from_ip: 'Von {{ip}}',
        unknown_browser: 'Unbekannter Browser',
        unknown_os: 'unbekanntes System',
        device: '{{browser}} unter {{os}}',
        previous: 'Neuere Ereignisse',
        next: 'Ältere Ereignisse',
        page: 'Seite {{page}}',
        events: {
          sign_in: 'Angemeldet',
          sign_in_failed: 'Fehlgeschlagener Anmeldeversuch',
          lockout: 'Anmeldung nach zu vielen Fehlversuchen gesperrt',
          sign_out: 'Abgemeldet',
          password_changed: 'Passwort geändert',
          password_reset: 'Passwort über einen E-Mail-Link zurückgesetzt',
          email_changed: 'E-Mail-Adresse geändert',
          two_factor_enabled: 'Zwei-Faktor-Authentifizierung eingeschaltet',
          two_factor_disabled: 'Zwei-Faktor-Authentifizierung ausgeschaltet',
          two_factor_failed: 'Falscher Zwei-Faktor-Code eingegeben',
          recovery_code_used: 'Wiederherstellungscode verwendet',
          recovery_codes_regenerated: 'Neue Wiederherstellungscodes erstellt',
          passkey_added: 'Passkey hinzugefügt',
          passkey_removed: 'Passkey entfernt',
          session_revoked: 'Eine andere Sitzung abgemeldet',
          identity_linked: 'Anmeldedienst verbunden',
          identity_unlinked: 'Anmeldedienst getrennt',
          magic_link_sign_in: 'Mit einem E-Mail-Link angemeldet',
        },
      },
    },
  },

  links: {
    sign_in: 'Anmelden',
    register: 'Registrieren',
    sign_out: 'Abmelden',
    edit_account: 'Konto bearbeiten',
    reset_password: 'Passwort vergessen?',
    magic_link: 'Anmeldelink per E-Mail senden',
    resend_confirmation: 'Keine Bestätigungs-E-Mail erhalten?',
    invite: 'Person einladen',
    sessions: 'Aktive Sitzungen',
    security_log: 'Sicherheitsprotokoll',
    two_factor: 'Zwei-Faktor-Authentifizierung',
    passkeys: 'Passkeys',
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
    new_device: {
      subject: 'Neue Anmeldung bei Ihrem Konto bei {{app}}',
      heading: 'Neue Anmeldung bei Ihrem Konto',
      body: 'Ihr Konto bei {{app}} wurde soeben in einem Browser angemeldet, in dem es bisher nicht verwendet wurde.',
      when: 'Wann: {{time}}',
      device: 'Browser: {{device}}',
      action: 'Angemeldete Geräte prüfen',
      ignore:
        'Falls Sie das waren, ist nichts zu tun. Falls nicht, melden Sie diesen Browser ab und ändern Sie Ihr Passwort.',
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
    magic_link: {
      subject: 'Ihr Anmeldelink für {{app}}',
      heading: 'Bei {{app}} anmelden',
      body: 'Melden Sie sich mit der Schaltfläche unten bei Ihrem Konto bei {{app}} an. Der Link funktioniert einmal.',
      action: 'Anmelden',
      ignore:
        'Falls Sie keine Anmeldung angefordert haben, können Sie diese E-Mail ignorieren: Ohne den Link kann sich niemand anmelden.',
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
