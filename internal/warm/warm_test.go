package warm
import (
 _ "github.com/labstack/echo/v4"
 _ "github.com/labstack/echo/v4/middleware"
 _ "github.com/a-h/templ"
 _ "github.com/gorilla/sessions"
 _ "github.com/nyaruka/phonenumbers"
 _ "github.com/golang-jwt/jwt/v5"
 _ "github.com/getkin/kin-openapi/openapi3"
 _ "github.com/getkin/kin-openapi/openapi3filter"
 _ "github.com/getkin/kin-openapi/routers/gorillamux"
 _ "github.com/chromedp/chromedp"
 _ "github.com/PuerkitoBio/goquery"
)
