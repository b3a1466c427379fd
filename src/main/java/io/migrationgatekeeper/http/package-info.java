/**
 * The HTTP edges: a request id on every request and response, and problem documents for everything answered
 * outside the controllers (Tomcat's own 400s, error dispatches, content negotiation).
 */
package io.migrationgatekeeper.http;
