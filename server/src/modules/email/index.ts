export { registerEmailRoutes } from "./email.routes.ts";
export { EmailService, type EmailServiceDeps, type SmtpTestResult } from "./email.service.ts";
export { EMAIL_JOB, EmailChannel, type EmailPayload, type MailSource } from "./email-channel.ts";
export { EMAIL_PRESETS } from "./presets.ts";
export { RECEIPT_SUBJECT, ReceiptBuilder, type ReceiptInvoice } from "./receipt.ts";
export {
  describeSmtpError,
  isConfigured,
  type MailMessage,
  type OpenEmailSettings,
  SmtpMailer,
} from "./smtp-mailer.ts";
