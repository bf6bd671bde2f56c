import { createdColumn, textColumn } from "../columns.tsx";
import { ResourcePage } from "../ResourcePage.tsx";

export function TemplatesPage() {
  return (
    <ResourcePage
      title="Templates"
      noun="template"
      path="/templates"
      columns={[textColumn("name", "Name"), createdColumn]}
      expand={(row) => <pre className="break">{String(row.text ?? "")}</pre>}
      form={{
        fields: [
          { name: "name", label: "Name", required: true, help: "e.g. notification, product, store, invoice" },
          { name: "text", label: "Text (Liquid template)", kind: "textarea", required: true },
        ],
      }}
    />
  );
}
