import { useState } from "react";
import { messageOf, type Row } from "../api.ts";
import { createdColumn, textColumn } from "../columns.tsx";
import { ResourcePage } from "../ResourcePage.tsx";
import { useApi } from "../session.tsx";
import { Dialog } from "../ui/Dialog.tsx";

interface PreviewAnswer {
  ok: boolean;
  output: string | null;
  error: { line?: number; reason?: string } | null;
}

/** Renders the template with sample variables typed as JSON (`POST /templates/{id}/preview`). */
function PreviewDialog({ row, onClose }: { row: Row; onClose: () => void }) {
  const api = useApi();
  const [variables, setVariables] = useState('{\n  "store": {"name": "Shop"},\n  "invoice": {"price": "9.99"}\n}');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const render = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(variables || "{}");
    } catch {
      setResult({ ok: false, text: "The variables must be a JSON object." });
      return;
    }
    try {
      const answer = await api.post<PreviewAnswer>(`/templates/${encodeURIComponent(row.id)}/preview`, {
        variables: parsed,
      });
      setResult(
        answer.ok
          ? { ok: true, text: answer.output ?? "" }
          : {
              ok: false,
              text: `Line ${answer.error?.line ?? "?"}: ${answer.error?.reason ?? "the template cannot be rendered"}`,
            },
      );
    } catch (error) {
      setResult({ ok: false, text: messageOf(error) });
    }
  };
  return (
    <Dialog title={`Preview ${String(row.name)}`} onClose={onClose}>
      <div className="form">
        <div className="field">
          <label htmlFor="preview-variables">Sample variables (JSON)</label>
          <textarea id="preview-variables" rows={5} value={variables} onChange={(e) => setVariables(e.target.value)} />
        </div>
        <div className="actions left">
          <button type="button" className="primary" onClick={render}>
            Render
          </button>
        </div>
        {result &&
          (result.ok ? (
            <pre className="break" data-testid="preview-output">
              {result.text}
            </pre>
          ) : (
            <p className="form-error" role="alert">
              {result.text}
            </p>
          ))}
      </div>
    </Dialog>
  );
}

export function TemplatesPage() {
  const [previewing, setPreviewing] = useState<Row | null>(null);
  return (
    <>
      <ResourcePage
        title="Templates"
        noun="template"
        path="/templates"
        columns={[textColumn("name", "Name"), createdColumn]}
        expand={(row) => <pre className="break">{String(row.text ?? "")}</pre>}
        rowExtra={(row) => (
          <button type="button" className="small" onClick={() => setPreviewing(row)}>
            Preview
          </button>
        )}
        form={{
          fields: [
            {
              name: "name",
              label: "Name",
              required: true,
              help: "A built-in name (notification, shop, product, forgotpassword…) or your own",
            },
            { name: "text", label: "Text (Liquid template)", kind: "textarea", required: true },
          ],
        }}
      />
      {previewing && <PreviewDialog row={previewing} onClose={() => setPreviewing(null)} />}
    </>
  );
}
