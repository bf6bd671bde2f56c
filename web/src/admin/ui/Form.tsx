import { type FormEvent, type ReactNode, useId, useState } from "react";
import { fieldErrorsOf, messageOf } from "../api.ts";

export type FieldKind =
  | "text"
  | "email"
  | "password"
  | "number"
  | "textarea"
  | "checkbox"
  | "select"
  | "multi"
  | "file";

export interface FieldSpec {
  name: string;
  label: string;
  kind?: FieldKind;
  options?: { value: string; label: string }[];
  required?: boolean;
  placeholder?: string;
  help?: string;
}

export type FormValues = Record<string, unknown>;

/** One labelled control with the API's message for it underneath. */
export function FieldControl({
  spec,
  value,
  error,
  onChange,
}: {
  spec: FieldSpec;
  value: unknown;
  error?: string;
  onChange: (value: unknown) => void;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const kind = spec.kind ?? "text";
  const common = {
    id,
    name: spec.name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errorId : undefined,
  };
  let control: ReactNode;
  if (kind === "checkbox") {
    control = <input {...common} type="checkbox" checked={!!value} onChange={(e) => onChange(e.target.checked)} />;
  } else if (kind === "textarea") {
    control = <textarea {...common} rows={4} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />;
  } else if (kind === "select") {
    control = (
      <select {...common} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {spec.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (kind === "multi") {
    const selected = Array.isArray(value) ? (value as string[]) : [];
    control = (
      <select
        {...common}
        multiple
        value={selected}
        onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}
      >
        {spec.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (kind === "file") {
    control = <input {...common} type="file" onChange={(e) => onChange(e.target.files?.[0] ?? null)} />;
  } else {
    control = (
      <input
        {...common}
        type={kind}
        step={kind === "number" ? "any" : undefined}
        placeholder={spec.placeholder}
        required={spec.required}
        value={String(value ?? "")}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className={`field${kind === "checkbox" ? " field-check" : ""}`}>
      <label htmlFor={id}>{spec.label}</label>
      {control}
      {spec.help && <small className="help">{spec.help}</small>}
      {error && (
        <small id={errorId} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/**
 * A form generated from field specs. `onSubmit` throws the API's error; a 422 is shown next to each field it
 * names (`detail[].loc`), anything else above the buttons.
 */
export function SpecForm({
  fields,
  initial = {},
  submitLabel = "Save",
  onSubmit,
  onCancel,
  extra,
}: {
  fields: FieldSpec[];
  initial?: FormValues;
  submitLabel?: string;
  onSubmit: (values: FormValues) => Promise<unknown>;
  onCancel?: () => void;
  extra?: ReactNode;
}) {
  const [values, setValues] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral("");
    try {
      await onSubmit(values);
    } catch (error) {
      const byField = fieldErrorsOf(error);
      const known = new Set(fields.map((f) => f.name));
      const unplaced = Object.entries(byField).filter(([name]) => !known.has(name));
      setErrors(byField);
      if (!Object.keys(byField).length) setGeneral(messageOf(error));
      else if (unplaced.length) setGeneral(unplaced.map(([name, msg]) => (name ? `${name}: ${msg}` : msg)).join("; "));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      {fields.map((spec) => (
        <FieldControl
          key={spec.name}
          spec={spec}
          value={values[spec.name]}
          error={errors[spec.name]}
          onChange={(value) => setValues((current) => ({ ...current, [spec.name]: value }))}
        />
      ))}
      {extra}
      {general && (
        <p className="form-error" role="alert">
          {general}
        </p>
      )}
      <div className="actions">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
