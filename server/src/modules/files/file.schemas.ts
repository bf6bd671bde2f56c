import { z } from "zod";
import { metadataField } from "../../http/fields.ts";

/** The optional `data` part of a file upload: Bitcart's file fields are its metadata only. */
export const fileFieldsSchema = z.object({ metadata: metadataField().optional() });

export type FileFields = z.output<typeof fileFieldsSchema>;
