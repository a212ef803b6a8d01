import { Type } from "typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import {
  DiffQuery,
  PublicKeySetBody,
  PublishReleaseBody,
  ReleaseDiff,
  ReleaseList,
  ReleaseSignatureBody,
  ReleaseSummary,
  ReleaseVersion,
  Slug,
  releaseSchemaV1,
  releaseSchemaV2,
} from "@codewright/shared";
import type { App, RouteOptions } from "../types";
import { responses } from "../schemas";
import { publishDraft } from "../../domain/releases/publish";
import { workflowRecords } from "../../domain/proposals";
import { listReleases, readRelease, releaseDocument } from "../../domain/releases/read";
import { publicKeys } from "../../domain/releases/signing";
import { releaseToMarkdown } from "../../domain/releases/export-markdown";
import { releaseToHtml } from "../../domain/releases/export-html";
import { releaseToOscal } from "../../domain/releases/export-oscal";
import { diffVersions, diffVersionsHtml } from "../../domain/releases/diff";
import { releaseFeed } from "../../domain/releases/feed";

const SlugParams = Type.Object({ slug: Slug });
const VersionParams = Type.Object({ slug: Slug, version: ReleaseVersion });
const ReleaseDocument = Type.Object({}, { additionalProperties: true, description: "A release document: codewright.release/v2 (JSON Schema at /api/schemas/release-v2.json), or v1 for releases published before v2 (/api/schemas/release-v1.json)." });
const Text = Type.String();

/** Releases never change: cache them for a year. Members-only standards stay out of shared caches. Returns true when 304 was sent. */
function cacheForever(request: FastifyRequest, reply: FastifyReply, etag: string, isPublic: boolean): boolean {
  const tag = `"${etag}"`;
  reply.header("ETag", tag);
  reply.header("Cache-Control", `${isPublic ? "public" : "private"}, max-age=31536000, immutable`);
  const match = request.headers["if-none-match"];
  if (match && (match.trim() === "*" || match.split(",").some((t) => t.trim().replace(/^W\//, "") === tag))) {
    reply.code(304).send();
    return true;
  }
  return false;
}

const fileName = (slug: string, version: string, extension: string) => `inline; filename="${slug}-${version}.${extension}"`;
const releaseUrl = (base: string, slug: string, version: string) => `${base}/api/standards/${encodeURIComponent(slug)}/releases/${encodeURIComponent(version)}`;

export default async function releaseRoutes(app: App, { ctx, config, signingKeys: keys }: RouteOptions) {

  const readable = async (request: FastifyRequest<{ Params: { slug: string; version: string } }>) => {
    const { release, isPublic } = await readRelease(ctx, request.actor, request.params.slug, request.params.version);
    return { row: release, isPublic };
  };

  for (const [name, schema] of [["release-v1", releaseSchemaV1], ["release-v2", releaseSchemaV2]] as const) {
    app.get(`/api/schemas/${name}.json`, { schema: { tags: ["releases"], response: { 200: Type.Object({}, { additionalProperties: true }) } } }, async (_request, reply) => {
      reply.header("Cache-Control", "public, max-age=3600");
      reply.type("application/schema+json; charset=utf-8");
      return JSON.stringify(schema, null, 2);
    });
  }

  app.get("/api/keys", { schema: { tags: ["releases"], response: responses({ 200: PublicKeySetBody }) } }, async (_request, reply) => {
    await keys.current();
    reply.header("Cache-Control", "public, max-age=300");
    return { keys: await publicKeys(ctx.db) };
  });

  app.post(
    "/api/standards/:slug/releases",
    { schema: { tags: ["releases"], params: SlugParams, body: PublishReleaseBody, response: responses({ 201: ReleaseSummary }, 400, 401, 403, 404, 409) } },
    async (request, reply) => {
      const release = await publishDraft(ctx, request.actor, request.params.slug, request.body, () => keys.current(), workflowRecords);
      reply.status(201).header("Location", `/api/standards/${request.params.slug}/releases/${encodeURIComponent(release.version)}`);
      return release;
    },
  );

  app.get("/api/standards/:slug/releases", { schema: { tags: ["releases"], params: SlugParams, response: responses({ 200: ReleaseList }, 404) } }, async (request) =>
    listReleases(ctx, request.actor, request.params.slug),
  );

  // Feed readers poll: a few minutes' cache, shared caches only for a public standard.
  app.get(
    "/api/standards/:slug/releases.atom",
    { schema: { tags: ["releases"], params: SlugParams, response: responses({ 200: Type.String({ description: "An Atom 1.0 feed of the releases, newest first." }) }, 404) } },
    async (request, reply) => {
      const { xml, isPublic } = await releaseFeed(ctx, request.actor, request.params.slug);
      reply.type("application/atom+xml; charset=utf-8").header("Cache-Control", `${isPublic ? "public" : "private"}, max-age=300`);
      return xml;
    },
  );

  app.get(
    "/api/standards/:slug/releases/:version",
    { schema: { tags: ["releases"], params: VersionParams, response: responses({ 200: ReleaseDocument }, 404) } },
    async (request, reply) => {
      const { row, isPublic } = await readable(request);
      if (cacheForever(request, reply, row.digest, isPublic)) return reply;
      // The stored text is sent as is: exactly the bytes that were signed.
      reply.type("application/json; charset=utf-8").header("Content-Disposition", fileName(request.params.slug, row.version, "json"));
      return row.document;
    },
  );

  app.get(
    "/api/standards/:slug/releases/:version/signature",
    { schema: { tags: ["releases"], params: VersionParams, response: responses({ 200: ReleaseSignatureBody }, 404) } },
    async (request, reply) => {
      const { row, isPublic } = await readable(request);
      if (cacheForever(request, reply, `${row.digest}.sig`, isPublic)) return reply;
      return { algorithm: "Ed25519" as const, kid: row.kid, signature: row.signature };
    },
  );

  app.get("/api/standards/:slug/releases/:version/markdown", { schema: { tags: ["releases"], params: VersionParams, response: responses({ 200: Text }, 404) } }, async (request, reply) => {
    const { row, isPublic } = await readable(request);
    if (cacheForever(request, reply, `${row.digest}.md`, isPublic)) return reply;
    reply.type("text/markdown; charset=utf-8").header("Content-Disposition", fileName(request.params.slug, row.version, "md"));
    return releaseToMarkdown(releaseDocument(row));
  });

  app.get("/api/standards/:slug/releases/:version/html", { schema: { tags: ["releases"], params: VersionParams, response: responses({ 200: Text }, 404) } }, async (request, reply) => {
    const { row, isPublic } = await readable(request);
    if (cacheForever(request, reply, `${row.digest}.html`, isPublic)) return reply;
    reply.type("text/html; charset=utf-8");
    return releaseToHtml(releaseDocument(row));
  });

  app.get(
    "/api/standards/:slug/releases/:version/oscal",
    { schema: { tags: ["releases"], params: VersionParams, response: responses({ 200: Type.Object({ catalog: Type.Object({}, { additionalProperties: true }) }) }, 404) } },
    async (request, reply) => {
      const { row, isPublic } = await readable(request);
      if (cacheForever(request, reply, `${row.digest}.oscal`, isPublic)) return reply;
      const release = releaseDocument(row);
      const catalog = releaseToOscal(release, row.document, {
        release: releaseUrl(config.publicUrl, release.standard.slug, release.version),
        previousCatalog: release.previousVersion ? `${releaseUrl(config.publicUrl, release.standard.slug, release.previousVersion)}/oscal` : undefined,
      });
      reply.type("application/json; charset=utf-8").header("Content-Disposition", fileName(request.params.slug, row.version, "oscal.json"));
      return catalog;
    },
  );

  app.get(
    "/api/standards/:slug/diff",
    { schema: { tags: ["releases"], params: SlugParams, querystring: DiffQuery, response: responses({ 200: ReleaseDiff }, 400, 401, 403, 404) } },
    async (request) => diffVersions(ctx, request.actor, request.params.slug, request.query.from, request.query.to),
  );

  app.get(
    "/api/standards/:slug/diff.html",
    {
      schema: {
        tags: ["releases"],
        description: "The diff between two versions as a printable redline page.",
        params: SlugParams,
        querystring: DiffQuery,
        response: responses({ 200: Type.String({ description: "text/html" }) }, 400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      const html = await diffVersionsHtml(ctx, request.actor, request.params.slug, request.query.from, request.query.to);
      reply.type("text/html; charset=utf-8").header("Cache-Control", "private, no-cache");
      return html;
    },
  );
}
