/**
 * libvirt domain XML: a hardened streaming parser that reads what the rule needs exactly as libvirt's own parser does
 * (first child of a kind, attributes by local name in any namespace, disks of every {@code <devices>}) and builds a
 * policy Domain from it.
 */
package io.migrationgatekeeper.domainxml;
