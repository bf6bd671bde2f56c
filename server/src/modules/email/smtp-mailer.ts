import type { EmailSettings } from "../shared/email-settings.ts";

/** One message; `html`, when given, is sent alongside the plain text. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Settings with the password already opened. */
export type OpenEmailSettings = EmailSettings;

/** Whether the settings name a server to send through at all. */
export const isConfigured = (settings: EmailSettings) => settings.host !== "" && settings.address !== "";

const TIMEOUT_MS = 10_000;

// Loaded on the first mail, not at start: most processes send none for a long while, and it weighs on idle memory.
async function transportFor(settings: OpenEmailSettings) {
  const { default: nodemailer } = await import("nodemailer");
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.auth_mode === "ssl/tls",
    requireTLS: settings.auth_mode === "starttls",
    ignoreTLS: settings.auth_mode === "none",
    auth: settings.user ? { user: settings.user, pass: settings.password } : undefined,
    tls: { rejectUnauthorized: settings.verify_tls },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
}

/** The SMTP failure in words a merchant can act on; the server's own reply is kept when it gave one. */
export function describeSmtpError(error: unknown): string {
  const err = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const detail = err.response ? `: ${err.response}` : "";
  const message = err.message ?? String(error);
  if (err.code === "EAUTH") return `authentication failed${detail}`;
  if (err.code === "ECONNECTION" || err.code === "ESOCKET") {
    if (/ECONNREFUSED/.test(message)) return "connection refused";
    if (/ENOTFOUND|EAI_AGAIN/.test(message)) return "host not found";
    if (/certificate|self[- ]signed|CERT|SSL|TLS|wrong version number/i.test(message)) return `TLS error: ${message}`;
    return `connection failed: ${message}`;
  }
  if (err.code === "ETLS") return `TLS error: ${message}`;
  if (err.code === "ETIMEDOUT") return "timed out";
  if (err.code === "EENVELOPE") return `recipient or sender refused${detail}`;
  if (err.code === "EMESSAGE") return `message refused${detail}`;
  if (/certificate|self[- ]signed/i.test(message)) return `TLS error: ${message}`;
  return message;
}

/** Sends mail over SMTP with nodemailer: ssl/tls (implicit TLS), starttls (required) or none (plain). */
export class SmtpMailer {
  async send(settings: OpenEmailSettings, message: MailMessage): Promise<void> {
    const transport = await transportFor(settings);
    try {
      await transport.sendMail({
        from: settings.address,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html !== undefined ? { html: message.html } : {}),
      });
    } finally {
      transport.close();
    }
  }

  /** Connects, negotiates TLS and logs in without sending: null when all of it works, else why not. */
  async check(settings: OpenEmailSettings): Promise<string | null> {
    if (!settings.host) return "no SMTP host is set";
    const transport = await transportFor(settings);
    try {
      await transport.verify();
      return null;
    } catch (error) {
      return describeSmtpError(error);
    } finally {
      transport.close();
    }
  }
}
