package io.nnstain.trainer.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Invalid configs are refused at once with 400 naming the option; nothing is queued or published. */
@QuarkusTest
class RunResourceValidationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"hidden\": [0]}|hidden (--hidden)|from 1 to 4096",
            "{\"hidden\": \"0\"}|hidden (--hidden)|from 1 to 4096",
            "{\"dataset\": \"nope\"}|dataset (--dataset)|accepted: moons",
            "{\"epoch_intervals\": 0}|epoch_intervals (--epoch-intervals)|every Nth epoch",
            "{\"epochs\": -1}|epochs (--epochs)|from 1 to",
            "{\"activation\": \"gelu\"}|activation (--activation)|relu, tanh, sigmoid"})
    void shouldRefuseAnInvalidConfigNamingTheOption(String body, String option, String accepted) {
        given().contentType("application/json").body(body).when().post("/runs").then().statusCode(400)
                .body("error", containsString(option)).body("error", containsString(accepted))
                .body("problems", hasSize(1));
        given().when().get("/runs").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void shouldRefuseMisspeltFieldsAndMalformedJson() {
        given().contentType("application/json").body("{\"epoch\": 3}").when().post("/runs").then().statusCode(400)
                .body("error", containsString("epoch"));
        given().contentType("application/json").body("{\"epochs\": ").when().post("/runs").then().statusCode(400)
                .body("error", containsString("not a valid run config"));
        given().contentType("application/json").body("{\"epochs\": \"many\"}").when().post("/runs").then()
                .statusCode(400);
    }

    @Test
    void shouldAnswer404ForAnUnknownRun() {
        given().when().get("/runs/nope").then().statusCode(404).body("error", containsString("no run 'nope'"));
    }
}
