-- Shapes the transcoder's output into the API's DRF-style JSON contract.
--
-- Placed before the gRPC-JSON transcoder, so on the way back it sees transcoded responses:
--   * success: `x-lms-http-status` (201, 204, 206) becomes the HTTP status (204 with no body) and
--     `x-lms-bare-array: <field>` turns `{"<field>":[...]}` into the bare array `[...]`;
--   * gRPC errors (a JSON google.rpc.Status): the google.protobuf.Struct detail is the body, the
--     ErrorInfo `http_status` overrides the status, RetryInfo becomes `Retry-After`;
--   * the transcoder's and Envoy's own plain-text errors become `{"detail": ...}` or field errors.
-- Native gRPC responses (content-type application/grpc) pass untouched.
--
-- On the way in it does what DRF's views and parsers would do before the transcoder sees the request
-- (the route table, generated from the protos' google.api.http annotations, is in the route's metadata):
--   * headers gRPC cannot carry are dropped (names outside [0-9a-z_.-], values outside printable ASCII,
--     `-bin` values that are not base64), and so are every client-sent `x-envoy-*` header and, for JSON
--     clients, every `grpc-*` and `-bin` header (Envoy sets its own x-envoy-external-address afterwards);
--   * HEAD runs the route's GET; OPTIONS answers with `Allow`; a method the path does not have is 405;
--   * a JSON route's body in another media type is 415, except urlencoded forms, which become JSON;
--   * null for a typed body field (the transcoder would skip it) is DRF's 400 "This field may not be null.";
--   * `page` / `page_size` that are not int32 are rewritten as DRF reads them (404 "Invalid page." for a
--     page, the default size for a page size), since the transcoder would refuse them.

local DEFAULT_DETAIL = {
  ["400"] = "Bad request.",
  ["401"] = "Authentication credentials were not provided.",
  ["403"] = "You do not have permission to perform this action.",
  ["404"] = "Not found.",
  ["405"] = "Method not allowed.",
  ["409"] = "Conflict.",
  ["413"] = "Request body is too large.",
  ["431"] = "Request header fields too large: the URL (query string included), the token and the other "
    .. "headers may total at most 32 KiB.",
  ["429"] = "Request was throttled.",
  ["500"] = "Internal server error.",
  ["501"] = "Not implemented.",
  ["502"] = "Service temporarily unavailable.",
  ["503"] = "Service temporarily unavailable.",
  ["504"] = "Service temporarily unavailable.",
}

-- DRF's message for a value of the wrong type, by the proto type the transcoder names.
local TYPE_MESSAGE = {
  TYPE_INT32 = "A valid integer is required.",
  TYPE_INT64 = "A valid integer is required.",
  TYPE_UINT32 = "A valid integer is required.",
  TYPE_UINT64 = "A valid integer is required.",
  TYPE_SINT32 = "A valid integer is required.",
  TYPE_SINT64 = "A valid integer is required.",
  TYPE_DOUBLE = "A valid number is required.",
  TYPE_FLOAT = "A valid number is required.",
  TYPE_BOOL = "Must be a valid boolean.",
  TYPE_STRING = "Not a valid string.",
}

local STRUCT_MARK = '"@type":"type.googleapis.com/google.protobuf.Struct","value":'

-- `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
local function utf8_clean(text)
  if not text:find("[\128-\255]") then
    return text
  end
  local out, i, n = {}, 1, #text
  while i <= n do
    local c = text:byte(i)
    local len = 0
    if c < 0x80 then
      len = 1
    elseif c >= 0xC2 and c <= 0xDF then
      len = 2
    elseif c >= 0xE0 and c <= 0xEF then
      len = 3
    elseif c >= 0xF0 and c <= 0xF4 then
      len = 4
    end
    local ok = len > 0 and i + len - 1 <= n
    if ok then
      for j = i + 1, i + len - 1 do
        local d = text:byte(j)
        if d < 0x80 or d > 0xBF then
          ok = false
          break
        end
      end
    end
    if ok then
      out[#out + 1] = text:sub(i, i + len - 1)
      i = i + len
    else
      out[#out + 1] = "\239\191\189"
      i = i + 1
    end
  end
  return table.concat(out)
end

local function json_string(text)
  local escaped = utf8_clean(text):gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    if c == "\n" then return "\\n" end
    if c == "\r" then return "\\r" end
    if c == "\t" then return "\\t" end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. escaped .. '"'
end

local function detail(text)
  return '{"detail":' .. json_string(text) .. "}"
end

-- The JSON object starting at byte `first` of `text`: balanced braces, strings respected.
local function object_at(text, first)
  local depth, in_string, escaped = 0, false, false
  for i = first, #text do
    local c = text:byte(i)
    if in_string then
      if escaped then
        escaped = false
      elseif c == 92 then -- backslash
        escaped = true
      elseif c == 34 then -- quote
        in_string = false
      end
    elseif c == 34 then
      in_string = true
    elseif c == 123 then -- {
      depth = depth + 1
    elseif c == 125 then -- }
      depth = depth - 1
      if depth == 0 then
        return text:sub(first, i)
      end
    end
  end
  return nil
end

local function body_text(handle)
  local body = handle:body()
  if body == nil then
    return ""
  end
  return body:getBytes(0, body:length())
end

local function replace_body(handle, status, text)
  local body = handle:body()
  if body ~= nil then
    body:setBytes(text)
  end
  local headers = handle:headers() -- re-fetch: the handle taken before body() is out of scope
  headers:replace(":status", status)
  headers:replace("content-type", "application/json")
  headers:replace("content-length", tostring(#text))
end

-- The route table ------------------------------------------------------------------------------

local METHOD_ORDER = {"GET", "POST", "PUT", "PATCH", "DELETE"}

-- The routes bucketed by the path's leading literal segment (`lms/courses`, `docs`): a path is matched
-- against its bucket only (22 templates at most today, instead of up to 138 in turn). Routes whose
-- template has no literal segment there are in every bucket.
local ROUTES_LOADED, BUCKETS, UNKEYED = false, {}, {}

-- `lms/<segment>` for /api/lms/<segment>/..., `<segment>` for /api/<segment>/..., else nil.
local function path_key(path)
  local segment = path:match("^/api/lms/([^/?]+)")
  if segment then
    return "lms/" .. segment
  end
  return path:match("^/api/([^/?]+)")
end

-- The same key read from a template's Lua pattern (`^/api/lms/learning%-paths/?$` -> lms/learning-paths),
-- nil when that segment is not literal.
local function pattern_key(pattern)
  local prefix, rest = "", pattern:match("^%^/api/(.*)$")
  if not rest then
    return nil
  end
  if rest:sub(1, 4) == "lms/" then
    prefix, rest = "lms/", rest:sub(5)
  end
  local literal, after = rest:match("^([%w_%%%-]+)(.?)")
  if not literal or (after ~= "/" and after ~= "$") or literal:find("%%[^%-]") then
    return nil
  end
  return prefix .. literal:gsub("%%%-", "-")
end

-- Parsed once per worker thread: the table is the same on every API route and the bootstrap is static
-- (a new configuration is a new Envoy process); reading the metadata copies the whole table (~12 KB).
local function load_routes(handle)
  local text = handle:metadata():get("routes")
  if text == nil then
    return
  end
  local parsed, keyed = {}, {}
  for line in text:gmatch("[^\n]+") do
    local pattern, spec = line:match("^(%S+) (%S+)$")
    if pattern then
      local methods, not_null = {}, {}
      for method, kind, names in spec:gmatch("(%u+)=(%a+):?([%w_|]*)") do
        methods[method] = kind
        if names ~= "" then
          local set = {}
          for name in names:gmatch("[^|]+") do
            set[name] = true
          end
          not_null[method] = set
        end
      end
      local key = pattern_key(pattern)
      parsed[#parsed + 1] = {pattern = pattern, methods = methods, not_null = not_null, key = key}
      if key then
        keyed[key] = true
      end
    end
  end
  local buckets, unkeyed = {}, {}
  for key in pairs(keyed) do
    buckets[key] = {}
  end
  for _, route in ipairs(parsed) do -- each bucket keeps the table's order: literal segments first
    if route.key then
      table.insert(buckets[route.key], route)
    else
      unkeyed[#unkeyed + 1] = route
      for _, bucket in pairs(buckets) do
        table.insert(bucket, route)
      end
    end
  end
  BUCKETS, UNKEYED, ROUTES_LOADED = buckets, unkeyed, true
end

-- The methods of the first template matching `path` (method -> body kind), or nil when none does.
-- Templates come literal segments first (`courses/most_popular` before `courses/{id}`), as Django
-- resolves a DRF router's URLs.
local function path_route(handle, path)
  if not ROUTES_LOADED then
    load_routes(handle)
  end
  local key = path_key(path)
  for _, route in ipairs(key and BUCKETS[key] or UNKEYED) do
    if path:find(route.pattern) then
      return route
    end
  end
  return nil
end

local function path_methods(handle, path)
  local route = path_route(handle, path)
  return route and route.methods
end

-- DRF's order: GET, POST, PUT, PATCH, DELETE, HEAD (wherever GET is), OPTIONS.
local function allow_header(methods)
  local out = {}
  for _, method in ipairs(METHOD_ORDER) do
    if methods[method] then
      out[#out + 1] = method
    end
  end
  if methods.GET then
    out[#out + 1] = "HEAD"
  end
  out[#out + 1] = "OPTIONS"
  return table.concat(out, ", ")
end

local function without_query(path)
  return (path:gsub("%?.*", ""))
end

local function url_decode(text)
  text = text:gsub("%+", " ")
  return (text:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

-- The request's method and path, as envoy_on_request saw them (one metadata value: each set costs).
local function request_line(handle)
  local meta = handle:streamInfo():dynamicMetadata():get("lms")
  local line = meta and meta["request"] or ""
  local method, path = line:match("^(%S*) (.*)$")
  return method or "", path or ""
end

local function request_path(handle)
  local _, path = request_line(handle)
  return path
end

-- A google.rpc.Status rendered by convert_grpc_status: our server always adds the body as a Struct.
local function shape_status_error(handle, status)
  local text = body_text(handle)
  local at = text:find(STRUCT_MARK, 1, true)
  local out = at and object_at(text, at + #STRUCT_MARK)
  local wanted = text:match('"http_status":"(%d%d%d)"')
  if wanted then
    status = wanted
  end
  if not out then
    local message = text:match('"message":"(.-)"')
    out = detail(DEFAULT_DETAIL[status] or message or "Error.")
  end
  local retry = text:match('"retry_delay":"(%d+)')
  if retry then
    handle:headers():replace("retry-after", retry)
  end
  replace_body(handle, status, out)
end

-- 405 with Allow when the route the path resolves to has no such method (true when answered).
local function method_not_allowed(handle)
  local method, path = request_line(handle)
  local methods = path_methods(handle, without_query(path))
  if methods and not methods[method == "HEAD" and "GET" or method] then
    replace_body(handle, "405", detail('Method "' .. method .. '" not allowed.'))
    handle:headers():replace("allow", allow_header(methods))
    return true
  end
  return false
end

-- The transcoder's or Envoy's own plain-text error.
local function shape_plain_error(handle, status)
  local text = body_text(handle)
  if status == "404" and method_not_allowed(handle) then
    return
  end
  if status == "400" then
    if text:find("Root element must be a message", 1, true) or text:find("^:? ?Proto field is not repeating") then
      replace_body(handle, "400", '{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}')
      return
    end
    local field, value, proto_type = text:match('^([%w_%.]+): invalid value "?(.-)"? for type (TYPE_%u+%d*)')
    if field then
      local path = without_query(request_path(handle))
      local decoded = url_decode(path)
      if value ~= "" and (("/" .. path .. "/"):find("/" .. value .. "/", 1, true)
          or ("/" .. decoded .. "/"):find("/" .. value .. "/", 1, true)) then
        if not method_not_allowed(handle) then -- `faqs/reorder` is an action of its own, as in DRF
          replace_body(handle, "404", detail("Not found.")) -- DRF's int path converters don't match: 404
        end
        return
      end
      local name = field:match("([%w_]+)$")
      local message = TYPE_MESSAGE[proto_type] or ("Invalid value for " .. proto_type .. ".")
      replace_body(handle, "400", "{" .. json_string(name) .. ":[" .. json_string(message) .. "]}")
      return
    end
    field = text:match("^([%w_%.]+): ")
    if field and not text:find("^Unexpected") then
      local name = field:match("([%w_]+)$")
      replace_body(handle, "400", "{" .. json_string(name) .. ':["Invalid value."]}')
      return
    end
    local reason = text:gsub("%s+", " "):gsub("^%s+", ""):gsub("%s+$", "")
    replace_body(handle, "400", detail("JSON parse error - " .. reason))
    return
  end
  replace_body(handle, status, detail(DEFAULT_DETAIL[status] or "Error."))
end

-- Pagination parameters, as DRF's PageNumberPagination reads them ----------------------------------

local INT32_MAX = 2147483647

-- The integer Python's int() reads from `text` (surrounding spaces, a sign, digits with single
-- underscores between them), as a sign and a digit string without leading zeros; nil when it is none.
local function python_int(text)
  local sign, digits = text:match("^%s*([%+%-]?)(%d[%d_]*)%s*$")
  if not digits or digits:find("__", 1, true) or digits:sub(-1) == "_" then
    return nil
  end
  digits = digits:gsub("_", ""):gsub("^0+", "")
  return sign == "-" and digits ~= "" and "-" or "", digits == "" and "0" or digits
end

local function fits_int32(digits)
  return #digits < 10 or (#digits == 10 and tonumber(digits) <= INT32_MAX)
end

-- `page`: an integer page (its canonical digits), else "0", which the service answers with DRF's
-- 404 "Invalid page." (so does any page out of int32: past the end). `page_size`: an integer (clamped
-- into int32: the service caps it at 100), else nil: dropped, so the default size applies, as in DRF.
local function page_value(name, raw)
  local sign, digits = python_int(url_decode(raw))
  if name == "page" then
    if not digits or not fits_int32(digits) then
      return "0"
    end
    return sign .. digits
  end
  if not digits then
    return nil
  end
  if not fits_int32(digits) then
    return sign == "-" and "0" or tostring(INT32_MAX)
  end
  return sign .. digits
end

-- The path with `page` and `page_size` made readable by the transcoder, which would refuse text for
-- their int32 fields (400) where DRF answers 404 "Invalid page." or uses the default page size.
local function paging_path(path)
  local base, query = path:match("^([^?]*)%?(.*)$")
  if not query or not query:find("page", 1, true) then
    return path
  end
  local parts, changed = {}, false
  for pair in query:gmatch("[^&]+") do
    local key, value = pair:match("^([^=]*)=?(.*)$")
    local name = url_decode(key)
    if name == "page" or name == "page_size" then
      local wanted = page_value(name, value)
      if wanted ~= value then
        changed = true
      end
      if wanted then
        parts[#parts + 1] = name .. "=" .. wanted
      end
    else
      parts[#parts + 1] = pair
    end
  end
  if not changed then
    return path
  end
  return base .. (#parts > 0 and ("?" .. table.concat(parts, "&")) or "")
end

-- Null in typed fields -----------------------------------------------------------------------------

-- The top-level keys of a JSON object whose value is null and that are in `names`, in body order.
local function null_fields(text, names)
  local found = {}
  local i, n = 1, #text
  local depth, expecting_key, key = 0, false, nil
  while i <= n do
    local c = text:byte(i)
    if c == 34 then -- a string: skip it, escapes included; at depth 1 after { or , it is a key
      local j = i + 1
      while j <= n do
        local d = text:byte(j)
        if d == 92 then
          j = j + 2
        elseif d == 34 then
          break
        else
          j = j + 1
        end
      end
      if depth == 1 and expecting_key then
        key, expecting_key = text:sub(i + 1, j - 1), false
      end
      i = j + 1
    else
      if c == 123 or c == 91 then -- { [
        depth = depth + 1
        expecting_key = depth == 1 and c == 123
      elseif c == 125 or c == 93 then -- } ]
        depth = depth - 1
      elseif c == 44 and depth == 1 then -- ,
        expecting_key, key = true, nil
      elseif c == 58 and depth == 1 and key then -- :
        local at = text:find("[^ \t\r\n]", i + 1)
        if at and text:sub(at, at + 3) == "null" and names[key] then
          found[#found + 1] = key
        end
        key = nil
      end
      i = i + 1
    end
  end
  return found
end

-- Requests -------------------------------------------------------------------------------------

-- Drops what gRPC metadata cannot carry and what only Envoy may set.
local function clean_headers(headers, native)
  local drop = {}
  for name, value in pairs(headers) do
    if name:byte(1) ~= 58 then -- pseudo-headers (":path") stay
      if name:find("[^0-9a-z_%.%-]") or name:sub(1, 8) == "x-envoy-" then
        drop[#drop + 1] = name
      elseif name:sub(-4) == "-bin" then
        if not native or value:find("[^%w%+/=_%-]") then
          drop[#drop + 1] = name
        end
      elseif name:sub(1, 5) == "grpc-" then
        if not native then
          drop[#drop + 1] = name
        end
      elseif value:find("[^\32-\126]") then
        drop[#drop + 1] = name
      end
    end
  end
  for _, name in ipairs(drop) do
    headers:remove(name)
  end
end

-- A reply of this filter's own; envoy_on_response sees it too and leaves it as it is.
local function reply(handle, status, body, extra)
  local headers = {[":status"] = status, ["content-type"] = "application/json", ["x-lms-edge-reply"] = "1"}
  for name, value in pairs(extra or {}) do
    headers[name] = value
  end
  handle:respond(headers, body)
end

-- `a=1&b=x+y` -> {"a":"1","b":"x y"} (a repeated key becomes a list), as DRF's QueryDict gives it.
local function form_to_json(handle)
  local body = handle:body()
  if body == nil then
    return
  end
  local keys, values = {}, {}
  for pair in body:getBytes(0, body:length()):gmatch("[^&]+") do
    local key, value = pair:match("^([^=]*)=?(.*)$")
    key = url_decode(key)
    if key ~= "" then
      if values[key] == nil then
        keys[#keys + 1] = key
        values[key] = {}
      end
      table.insert(values[key], json_string(url_decode(value)))
    end
  end
  local parts = {}
  for _, key in ipairs(keys) do
    local list = values[key]
    local encoded = #list == 1 and list[1] or ("[" .. table.concat(list, ",") .. "]")
    parts[#parts + 1] = json_string(key) .. ":" .. encoded
  end
  local json = "{" .. table.concat(parts, ",") .. "}"
  body:setBytes(json)
  local headers = handle:headers()
  headers:replace("content-type", "application/json")
  headers:replace("content-length", tostring(#json))
end

function envoy_on_request(handle)
  local headers = handle:headers()
  local path = headers:get(":path") or ""
  local method = headers:get(":method") or ""
  local content_type = headers:get("content-type") or ""
  local native = content_type:find("application/grpc", 1, true) == 1
  clean_headers(headers, native)
  if not native and (method == "GET" or method == "HEAD") then
    local paged = paging_path(path)
    if paged ~= path then
      headers:replace(":path", paged)
      path = paged
    end
  end
  local meta = handle:streamInfo():dynamicMetadata()
  meta:set("lms", "request", method .. " " .. path)
  if native or method == "GET" or method == "DELETE" then
    return
  end
  if method == "HEAD" then
    meta:set("lms.head", "head", true) -- (its own namespace: every other response reads nothing)
    local methods = path_methods(handle, without_query(path))
    if methods and methods.GET then
      headers:replace(":method", "GET") -- Envoy still answers a HEAD: headers only
    end
    return
  end
  if method == "OPTIONS" then
    local methods = path_methods(handle, without_query(path))
    if methods then
      local parses = '["application/json","application/x-www-form-urlencoded"]'
      for _, kind in pairs(methods) do
        if kind == "any" then
          parses = '["application/json","application/x-www-form-urlencoded","multipart/form-data"]'
        end
      end
      reply(handle, "200", '{"name":' .. json_string(without_query(path)) .. ',"description":"",'
        .. '"renders":["application/json"],"parses":' .. parses .. "}", {allow = allow_header(methods)})
    end
    return
  end
  if content_type == "" or headers:get("content-length") == "0" then
    return
  end
  local route = path_route(handle, without_query(path))
  if not route or route.methods[method] ~= "json" then
    return -- unknown route (the transcoder's 404/405), or the service parses the body itself
  end
  local media = (content_type:match("^%s*([^;%s]+)") or ""):lower()
  if media == "application/json" or media:find("%+json$") then
    local typed = route.not_null[method]
    local body = typed and handle:body()
    if body ~= nil then
      local text = body:getBytes(0, body:length())
      local found = text:find("null", 1, true) and null_fields(text, typed) or {}
      if #found > 0 then
        local errors = {}
        for _, name in ipairs(found) do
          errors[#errors + 1] = json_string(name) .. ':["This field may not be null."]'
        end
        reply(handle, "400", "{" .. table.concat(errors, ",") .. "}")
      end
    end
    return
  end
  if media == "application/x-www-form-urlencoded" then
    form_to_json(handle)
    return
  end
  reply(handle, "415", detail('Unsupported media type "' .. content_type .. '" in request.'))
end

local function shape_response(handle)
  local headers = handle:headers()
  local content_type = headers:get("content-type") or ""
  if content_type:find("application/grpc", 1, true) == 1 then
    return
  end
  if headers:get("x-lms-edge-reply") then
    headers:remove("x-lms-edge-reply")
    return
  end
  local status = headers:get(":status") or "200"
  local wanted = headers:get("x-lms-http-status")
  local bare_field = headers:get("x-lms-bare-array")
  for _, name in ipairs({"x-lms-http-status", "x-lms-bare-array", "grpc-status", "grpc-message",
                          "grpc-accept-encoding", "grpc-status-details-bin", "x-envoy-upstream-service-time"}) do
    headers:remove(name)
  end

  if status == "200" then
    if wanted == "204" then
      local body = handle:body()
      if body ~= nil then
        body:setBytes("")
      end
      headers = handle:headers()
      headers:replace(":status", "204")
      headers:remove("content-type")
      headers:remove("content-length")
      return
    end
    if bare_field then
      local text = body_text(handle)
      local prefix = '{"' .. bare_field .. '":'
      if text:sub(1, #prefix) == prefix then
        text = text:sub(#prefix + 1, -2)
      elseif text == "{}" then
        text = "[]"
      end
      replace_body(handle, wanted or "200", text)
      return
    end
    if wanted then
      headers:replace(":status", wanted)
    end
    return
  end

  if status:sub(1, 1) == "1" or status:sub(1, 1) == "2" or status:sub(1, 1) == "3" then
    return
  end
  if content_type:find("application/json", 1, true) == 1 then
    shape_status_error(handle, status)
  else
    shape_plain_error(handle, status)
  end
end

function envoy_on_response(handle)
  shape_response(handle)
  if handle:streamInfo():dynamicMetadata():get("lms.head") then
    -- The request ran as GET, so Envoy would send the body: keep the headers (Content-Length included).
    local body = handle:body()
    if body ~= nil and body:length() > 0 then
      local length = body:length()
      body:setBytes("")
      handle:headers():replace("content-length", tostring(length))
    end
  end
end
