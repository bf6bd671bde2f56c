import { type PublicKeyCredentialCreationOptionsJSON, startRegistration } from "@simplewebauthn/browser";
import { useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, messageOf } from "../api.ts";
import { useApi, useMe } from "../session.tsx";
import { CopyButton } from "../ui/CopyButton.tsx";

interface TotpSetup {
  totp_key: string;
  totp_url: string;
  qr: string;
}

/** Two-factor authentication: an authenticator app (TOTP, with recovery codes shown once) and passkeys. */
export function SecuritySection() {
  const api = useApi();
  const client = useQueryClient();
  const me = useMe().data;
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState("");
  const [recovery, setRecovery] = useState<string[]>([]);
  const [error, setError] = useState("");
  const [passkeyName, setPasskeyName] = useState("");
  const refresh = () => client.invalidateQueries({ queryKey: ["me"] });
  const run = async (action: () => Promise<unknown>) => {
    setError("");
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const begin = () =>
    run(async () => {
      const answer = await api.get<{ totp_key: string; totp_url: string }>("/users/me/2fa/totp");
      setSetup({ ...answer, qr: await QRCode.toDataURL(answer.totp_url, { margin: 1, width: 192 }) });
    });
  const enable = async (event: FormEvent) => {
    event.preventDefault();
    setCodeError("");
    try {
      const codes = await api.post<string[]>("/users/2fa/totp/verify", { code });
      setRecovery(Array.isArray(codes) ? codes : []);
      setSetup(null);
      setCode("");
      await refresh();
    } catch (e) {
      setCodeError(fieldErrorsOf(e).code ?? messageOf(e));
    }
  };
  const addPasskey = () =>
    run(async () => {
      const optionsJSON = await api.post<PublicKeyCredentialCreationOptionsJSON>("/users/2fa/fido2/register/begin");
      const response = await startRegistration({ optionsJSON });
      await api.post("/users/2fa/fido2/register/complete", { name: passkeyName, response });
      setPasskeyName("");
      await refresh();
    });

  const devices = (me as { fido2_devices?: { id: string; name: string }[] } | undefined)?.fido2_devices ?? [];
  return (
    <section className="panel" aria-label="Two-factor authentication">
      <h2>Two-factor authentication</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {recovery.length > 0 && (
        <div className="notice" role="status">
          <p>Authenticator app enabled. Keep these recovery codes somewhere safe: they are shown only once.</p>
          <pre data-testid="recovery-codes">{recovery.join("\n")}</pre>
          <CopyButton value={recovery.join("\n")} label="Copy codes" />
        </div>
      )}
      {me?.tfa_enabled ? (
        <p>
          An authenticator app is required at sign-in.{" "}
          <button
            type="button"
            className="danger"
            onClick={() =>
              run(async () => {
                await api.post("/users/2fa/disable");
                setRecovery([]);
                await refresh();
              })
            }
          >
            Disable the authenticator app
          </button>
        </p>
      ) : setup ? (
        <form className="form" onSubmit={enable}>
          <p>Scan this code with an authenticator app, or type the key, then enter the code it shows.</p>
          <img src={setup.qr} alt="QR code of the authenticator key" width={192} height={192} />
          <p>
            Key: <code data-testid="totp-key">{setup.totp_key}</code> <CopyButton value={setup.totp_key} />
          </p>
          <div className="field">
            <label htmlFor="totp-code">Code from the app</label>
            <input
              id="totp-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              aria-invalid={codeError ? true : undefined}
              onChange={(e) => setCode(e.target.value)}
            />
            {codeError && (
              <small className="field-error" role="alert">
                {codeError}
              </small>
            )}
          </div>
          <div className="actions left">
            <button type="submit" className="primary">
              Enable
            </button>
            <button type="button" onClick={() => setSetup(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" onClick={begin}>
          Set up an authenticator app
        </button>
      )}
      <h3>Passkeys</h3>
      <ul className="plain">
        {devices.map((device) => (
          <li key={device.id}>
            {device.name || "Passkey"}{" "}
            <button
              type="button"
              className="small danger"
              onClick={() =>
                run(async () => {
                  await api.delete(`/users/2fa/fido2/${encodeURIComponent(device.id)}`);
                  await refresh();
                })
              }
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div className="actions left">
        <label className="check">
          Name <input value={passkeyName} onChange={(e) => setPasskeyName(e.target.value)} placeholder="e.g. laptop" />
        </label>
        <button type="button" onClick={addPasskey}>
          Add a passkey
        </button>
      </div>
    </section>
  );
}
