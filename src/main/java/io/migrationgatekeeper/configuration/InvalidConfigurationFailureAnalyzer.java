package io.migrationgatekeeper.configuration;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a rejected property into Spring Boot's "APPLICATION FAILED TO START" report instead of a stack trace. */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis("Invalid configuration property '" + cause.property() + "': " + cause.reason(),
                "Correct '" + cause.property() + "' (see the README's configuration reference) and start again.",
                cause);
    }
}
