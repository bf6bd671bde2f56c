import type { FieldSpec } from "./ui/Form.tsx";

/** SMTP settings, the same for a store (receipts) and for the server (resets, verification). */
export const EMAIL_FIELDS: FieldSpec[] = [
  { name: "address", label: "From address", kind: "email" },
  { name: "host", label: "SMTP host" },
  { name: "port", label: "SMTP port", kind: "number" },
  { name: "user", label: "SMTP user" },
  { name: "password", label: "SMTP password (empty keeps the stored one)", kind: "password" },
  {
    name: "auth_mode",
    label: "Security",
    kind: "select",
    options: ["none", "ssl/tls", "starttls"].map((v) => ({ value: v, label: v })),
  },
  { name: "verify_tls", label: "Verify the server's TLS certificate", kind: "checkbox" },
];
