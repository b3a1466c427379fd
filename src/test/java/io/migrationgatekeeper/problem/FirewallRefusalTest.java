package io.migrationgatekeeper.problem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.mock.web.MockHttpServletRequest;

/** The firewall's own refusals, told without the refused values: the messages come from StrictHttpFirewall itself. */
class FirewallRefusalTest {

    private final StrictHttpFirewall firewall = new StrictHttpFirewall();

    @Test
    void aRefusedHeaderValueIsNeverEchoedEvenWhenItImitatesTheMessage() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/policy");
        request.addHeader("Authorization", "Bearer gk_secret \" has a value \"x\u0085");

        String detail = detail(() -> firewall.getFirewalledRequest(request).getHeader("Authorization"));

        assertThat(detail).isEqualTo("the request was refused: the value of header 'Authorization' contains a character"
                + " that is not allowed (a control character or an unassigned code point)").doesNotContain("gk_secret");
    }

    @Test
    void refusedNamesAreToldWithoutThem() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/policy");
        request.addHeader("X-Bad\u0001", "v");
        request.addParameter("p\u0085", "1");

        assertThat(detail(() -> firewall.getFirewalledRequest(request).getHeader("X-Bad\u0001")))
                .isEqualTo("the request was refused: a header name contains a character that is not allowed"
                        + " (a control character or an unassigned code point)");
        assertThat(detail(() -> firewall.getFirewalledRequest(request).getParameterMap()))
                .isEqualTo("the request was refused: a query parameter name contains a character that is not allowed"
                        + " (a control character or an unassigned code point)");
    }

    @Test
    void aRefusedUrlKeepsTheFirewallsWordsInPrintableAscii() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/hosts/a%2Fb");
        request.setRequestURI("/v1/hosts/a%2Fb");

        assertThat(detail(() -> firewall.getFirewalledRequest(request)))
                .startsWith("the request was refused: The request was rejected because the URL contained a potentially"
                        + " malicious String \"%2F\"");
    }

    private static String detail(Runnable call) {
        try {
            call.run();
        } catch (RequestRejectedException e) {
            return FirewallRefusal.detail(e);
        }
        throw new AssertionError("the firewall did not refuse");
    }
}
