/** libvirt domain XML: the JAXB model of what the rule reads and the hardened parser that builds a policy Domain from it. */
package io.migrationgatekeeper.domainxml;
