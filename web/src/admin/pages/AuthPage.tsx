import { type PublicKeyCredentialRequestOptionsJSON, startAuthentication } from "@simplewebauthn/browser";
import { TillApiError } from "@till/sdk";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, messageOf, transportFor } from "../api.ts";
import { useSession } from "../session.tsx";
import { FieldControl } from "../ui/Form.tsx";

type Mode = "login" | "register" | "forgot" | "2fa";

interface TokenAnswer {
  access_token?: string;
  token?: string;
  tfa_required?: boolean;
  tfa_code?: string;
  tfa_types?: string[];
}

/** Bitcart's login failures carry the real reason in `detail.status`. */
function loginMessage(error: unknown): string {
  if (error instanceof TillApiError) {
    const status = error.loginStatus ?? error.status;
    if (status === 404) return "No account with this email.";
    if (status === 401) return "Wrong email or password.";
    if (status === 403) return typeof error.detail === "string" ? error.detail : "Access denied.";
    if (status === 429) return "Too many attempts; wait a minute and try again.";
  }
  return messageOf(error);
}

export function AuthPage() {
  const { signIn } = useSession();
  const [mode, setMode] = useState<Mode>("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [tfaToken, setTfaToken] = useState("");
  const [tfaTypes, setTfaTypes] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState("");
  const [notice, setNotice] = useState("");
  const anonymous = transportFor(null);

  const switchTo = (next: Mode) => {
    setMode(next);
    setErrors({});
    setMessage("");
    setNotice("");
  };

  const finish = (answer: TokenAnswer) => {
    if (answer.tfa_required && answer.tfa_code) {
      setTfaToken(answer.tfa_code);
      setTfaTypes(answer.tfa_types ?? ["totp"]);
      switchTo("2fa");
      return;
    }
    const token = answer.access_token ?? answer.token;
    if (token) signIn(token);
    else setMessage("The server answered without a token.");
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setMessage("");
    try {
      if (mode === "login") {
        finish(
          await anonymous.post<TokenAnswer>(
            "/token",
            { email, password, permissions: ["full_control"] },
            { auth: false },
          ),
        );
      } else if (mode === "register") {
        finish(await anonymous.post<TokenAnswer>("/users", { email, password }, { auth: false }));
      } else if (mode === "2fa") {
        finish(await anonymous.post<TokenAnswer>("/token/2fa/totp", { token: tfaToken, code }, { auth: false }));
      } else {
        await anonymous.post("/users/reset_password", { email }, { auth: false });
        setNotice("If an account exists for this email, a message with a reset link is on its way.");
      }
    } catch (error) {
      const byField = fieldErrorsOf(error);
      setErrors(byField);
      if (!Object.keys(byField).length) setMessage(mode === "login" ? loginMessage(error) : messageOf(error));
    }
  };

  const usePasskey = async () => {
    setMessage("");
    try {
      const optionsJSON = await anonymous.post<PublicKeyCredentialRequestOptionsJSON>(
        "/token/2fa/fido2/begin",
        { token: tfaToken },
        { auth: false },
      );
      const response = await startAuthentication({ optionsJSON });
      finish(
        await anonymous.post<TokenAnswer>("/token/2fa/fido2/complete", { token: tfaToken, response }, { auth: false }),
      );
    } catch (error) {
      setMessage(messageOf(error));
    }
  };

  const titles: Record<Mode, string> = {
    login: "Sign in to Till",
    register: "Create an account",
    forgot: "Reset your password",
    "2fa": "Two-factor authentication",
  };
  const buttons: Record<Mode, string> = {
    login: "Sign in",
    register: "Create account",
    forgot: "Send reset link",
    "2fa": "Verify",
  };
  return (
    <main className="auth">
      <form className="form auth-box" onSubmit={submit} noValidate>
        <h1>{titles[mode]}</h1>
        {mode === "2fa" && !tfaTypes.includes("totp") ? null : mode === "2fa" ? (
          <FieldControl
            spec={{
              name: "code",
              label: "Code from your authenticator app",
              required: true,
              help: "Or one of your recovery codes.",
            }}
            value={code}
            error={errors.code}
            onChange={(v) => setCode(String(v))}
          />
        ) : (
          <FieldControl
            spec={{ name: "email", label: "Email", kind: "email", required: true }}
            value={email}
            error={errors.email}
            onChange={(v) => setEmail(String(v))}
          />
        )}
        {(mode === "login" || mode === "register") && (
          <FieldControl
            spec={{ name: "password", label: "Password", kind: "password", required: true }}
            value={password}
            error={errors.password}
            onChange={(v) => setPassword(String(v))}
          />
        )}
        {message && (
          <p className="form-error" role="alert">
            {message}
          </p>
        )}
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {(mode !== "2fa" || tfaTypes.includes("totp")) && (
          <button type="submit" className="primary">
            {buttons[mode]}
          </button>
        )}
        {mode === "2fa" && tfaTypes.includes("fido2") && (
          <button type="button" onClick={usePasskey}>
            Use a passkey
          </button>
        )}
        <p className="auth-links">
          {mode !== "login" && (
            <button type="button" className="link" onClick={() => switchTo("login")}>
              Back to sign in
            </button>
          )}
          {mode === "login" && (
            <>
              <button type="button" className="link" onClick={() => switchTo("register")}>
                Create an account
              </button>
              <button type="button" className="link" onClick={() => switchTo("forgot")}>
                Forgot password?
              </button>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
