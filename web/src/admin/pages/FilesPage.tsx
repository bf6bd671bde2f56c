import type { Transport } from "@till/sdk";
import type { Row } from "../api.ts";
import { createdColumn, customColumn, textColumn } from "../columns.tsx";
import { ResourcePage } from "../ResourcePage.tsx";
import type { FormValues } from "../ui/Form.tsx";

function sendFile(api: Transport, values: FormValues, row?: Row) {
  const form = new FormData();
  if (values.file instanceof File) form.append("file", values.file);
  return row
    ? api.request("PATCH", `/files/${encodeURIComponent(row.id)}`, { form })
    : api.request("POST", "/files", { form });
}

export function FilesPage() {
  return (
    <ResourcePage
      title="Files"
      noun="file"
      path="/files"
      columns={[
        textColumn("filename", "File name"),
        customColumn("open", "Link", (row) => (
          <a href={`/files/handle/${row.id}`} target="_blank" rel="noreferrer">
            Open
          </a>
        )),
        createdColumn,
      ]}
      form={{ fields: [{ name: "file", label: "File", kind: "file", required: true }], send: sendFile }}
    />
  );
}
