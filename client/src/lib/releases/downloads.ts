/** A file a release can be downloaded as. */
export interface ReleaseFile {
  format: "json" | "signature" | "oscal" | "markdown" | "html";
  /** What a reader calls it: "JSON", "Signature"… */
  name: string;
  /** What the file is for, in a few words. */
  description: string;
  href: string;
  /** The name to save it under; null for the printable page, which opens in the browser instead. */
  fileName: string | null;
}

/** The files a release is published as, each at its API address. */
export function releaseFiles(slug: string, version: string): ReleaseFile[] {
  const base = `/api/standards/${encodeURIComponent(slug)}/releases/${encodeURIComponent(version)}`;
  const file = `${slug}-${version}`;
  return [
    { format: "json", name: "JSON", description: "the signed release document", href: base, fileName: `${file}.json` },
    { format: "signature", name: "Signature", description: "Ed25519, to verify the JSON", href: `${base}/signature`, fileName: `${file}.signature.json` },
    { format: "oscal", name: "OSCAL", description: "catalog for compliance tools", href: `${base}/oscal`, fileName: `${file}.oscal.json` },
    { format: "markdown", name: "Markdown", description: "plain text", href: `${base}/markdown`, fileName: `${file}.md` },
    { format: "html", name: "Printable page", description: "to print or save as PDF", href: `${base}/html`, fileName: null },
  ];
}

/** Where the public keys that verify signatures are served. */
export const PUBLIC_KEYS_HREF = "/api/keys";
