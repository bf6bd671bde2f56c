import { useEffect, useRef, useState } from "react";
import { messageOf, transportFor } from "../api.ts";
import { Link, navigate } from "../router.tsx";
import { SpecForm } from "../ui/Form.tsx";

/** `/admin/forgotpassword/{code}`: the link of the reset email; sets a new password. */
export function ResetPasswordPage({ code }: { code: string }) {
  const [done, setDone] = useState(false);
  return (
    <main className="auth">
      <div className="auth-box">
        <h1>Choose a new password</h1>
        {done ? (
          <p className="notice" role="status">
            Your password was changed. <Link to="/">Sign in</Link>
          </p>
        ) : (
          <SpecForm
            fields={[
              { name: "password", label: "New password", kind: "password", required: true },
              { name: "logout_all", label: "Sign out every session", kind: "checkbox" },
            ]}
            initial={{ logout_all: true }}
            submitLabel="Set password"
            onSubmit={async (values) => {
              await transportFor(null).post(
                "/users/reset_password/finalize",
                { token: code, ...values },
                { auth: false },
              );
              setDone(true);
            }}
          />
        )}
      </div>
    </main>
  );
}

/** `/admin/verify/{code}`: the link of the verification email. */
export function VerifyEmailPage({ code }: { code: string }) {
  const [state, setState] = useState<{ ok: boolean; text: string } | null>(null);
  // A verification code works once: never send it twice (development mode runs effects twice).
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    transportFor(null)
      .post("/users/verify/finalize", { token: code }, { auth: false })
      .then(() => setState({ ok: true, text: "Your email address is verified." }))
      .catch((error) => setState({ ok: false, text: messageOf(error) }));
  }, [code]);
  return (
    <main className="auth">
      <div className="auth-box">
        <h1>Email verification</h1>
        <p role="status" className={state?.ok === false ? "form-error" : "notice"}>
          {state?.text ?? "Checking…"}
        </p>
        <button type="button" onClick={() => navigate("/")}>
          Continue
        </button>
      </div>
    </main>
  );
}
