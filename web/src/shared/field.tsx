import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

interface FieldProps {
  id: string;
  label: string;
  /** The server's message for this field (from a 422), shown under it and announced with it. */
  error?: string;
  errorTestId?: string;
}

function FieldShell({ id, label, error, errorTestId, children }: FieldProps & { children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && (
        <span className="field-error" id={`${id}-error`} data-testid={errorTestId}>
          {error}
        </span>
      )}
    </div>
  );
}

const errorAria = (id: string, error: string | undefined) => ({
  "aria-invalid": !!error,
  "aria-describedby": error ? `${id}-error` : undefined,
});

/** A labelled input with its error message wired for screen readers. */
export function InputField({
  id,
  label,
  error,
  errorTestId,
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldShell id={id} label={label} error={error} errorTestId={errorTestId}>
      <input id={id} {...input} {...errorAria(id, error)} />
    </FieldShell>
  );
}

/** A labelled text area with its error message wired for screen readers. */
export function TextareaField({
  id,
  label,
  error,
  errorTestId,
  ...textarea
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldShell id={id} label={label} error={error} errorTestId={errorTestId}>
      <textarea id={id} {...textarea} {...errorAria(id, error)} />
    </FieldShell>
  );
}
