/** SMTP settings of common providers, to fill the form; the user, password and sender address stay the merchant's.
 * Proton Mail Bridge runs on the merchant's own machine with a self-signed certificate, hence `verify_tls: false`. */
export const EMAIL_PRESETS = [
  {
    id: "gmail",
    name: "Gmail / Google Workspace",
    host: "smtp.gmail.com",
    port: 587,
    auth_mode: "starttls",
    verify_tls: true,
  },
  {
    id: "outlook",
    name: "Outlook / Office 365",
    host: "smtp.office365.com",
    port: 587,
    auth_mode: "starttls",
    verify_tls: true,
  },
  { id: "fastmail", name: "Fastmail", host: "smtp.fastmail.com", port: 465, auth_mode: "ssl/tls", verify_tls: true },
  { id: "mailgun", name: "Mailgun", host: "smtp.mailgun.org", port: 587, auth_mode: "starttls", verify_tls: true },
  { id: "sendgrid", name: "SendGrid", host: "smtp.sendgrid.net", port: 587, auth_mode: "starttls", verify_tls: true },
  {
    id: "ses",
    name: "Amazon SES (us-east-1)",
    host: "email-smtp.us-east-1.amazonaws.com",
    port: 587,
    auth_mode: "starttls",
    verify_tls: true,
  },
  { id: "zoho", name: "Zoho Mail", host: "smtp.zoho.com", port: 465, auth_mode: "ssl/tls", verify_tls: true },
  {
    id: "proton-bridge",
    name: "Proton Mail Bridge",
    host: "127.0.0.1",
    port: 1025,
    auth_mode: "starttls",
    verify_tls: false,
  },
] as const;
