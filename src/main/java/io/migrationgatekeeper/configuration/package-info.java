/** Start-up validation of configuration: a bad property stops the service with a message naming it. */
package io.migrationgatekeeper.configuration;
