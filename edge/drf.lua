-- Shapes the transcoder's output into the API's DRF-style JSON contract.
--
-- Placed before the gRPC-JSON transcoder, so on the way back it sees transcoded responses:
--   * success: `x-lms-http-status` (201, 204, 206) becomes the HTTP status (204 with no body) and
--     `x-lms-bare-array: <field>` turns `{"<field>":[...]}` into the bare array `[...]`;
--   * gRPC errors (a JSON google.rpc.Status): the google.protobuf.Struct detail is the body, the
--     ErrorInfo `http_status` overrides the status, RetryInfo becomes `Retry-After`;
--   * the transcoder's and Envoy's own plain-text errors become `{"detail": ...}` or field errors.
-- Native gRPC responses (content-type application/grpc) pass untouched.

local DEFAULT_DETAIL = {
  ["400"] = "Bad request.",
  ["401"] = "Authentication credentials were not provided.",
  ["403"] = "You do not have permission to perform this action.",
  ["404"] = "Not found.",
  ["405"] = "Method not allowed.",
  ["409"] = "Conflict.",
  ["413"] = "Request body is too large.",
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

local function json_string(text)
  local escaped = text:gsub('[%c"\\]', function(c)
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

local function request_path(handle)
  local meta = handle:streamInfo():dynamicMetadata():get("lms")
  return meta and meta["path"] or ""
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

-- The transcoder's or Envoy's own plain-text error.
local function shape_plain_error(handle, status)
  local text = body_text(handle)
  if status == "400" then
    local field, value, proto_type = text:match('^([%w_%.]+): invalid value "?(.-)"? for type (TYPE_%u+%d*)')
    if field then
      local path = request_path(handle):gsub("%?.*", "")
      if value ~= "" and ("/" .. path .. "/"):find("/" .. value .. "/", 1, true) then
        replace_body(handle, "404", detail("Not found.")) -- DRF's int path converters don't match: 404
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

function envoy_on_request(handle)
  handle:streamInfo():dynamicMetadata():set("lms", "path", handle:headers():get(":path") or "")
end

function envoy_on_response(handle)
  local headers = handle:headers()
  local content_type = headers:get("content-type") or ""
  if content_type:find("application/grpc", 1, true) == 1 then
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
