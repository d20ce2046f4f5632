// Every operation of Cognito Identity, in the order of `cognito_identity::operation::ALL`:
// method, wire name, input, output and error type. The test support library (`tests/lib.rs`)
// and the fuzz targets (`fuzz/src/lib.rs`) both implement the service trait from this one
// table, each with its own body per operation; they bring it in with `include!` and call
// `cognito_identity_operations!(their_macro)`, which hands the table to their macro. The
// compiler holds the table to the service trait; the fuzz crate's tests hold its order to
// `operation::ALL`.

/// Invokes the macro named `$then` with one line per operation of Cognito Identity:
/// `method("WireName", Input) -> Output, Error;`.
macro_rules! cognito_identity_operations {
    ($then:ident) => {
        $then! {
            create_identity_pool("CreateIdentityPool", CreateIdentityPoolInput) -> IdentityPool, CreateIdentityPoolError;
            delete_identities("DeleteIdentities", DeleteIdentitiesInput) -> DeleteIdentitiesResponse, DeleteIdentitiesError;
            delete_identity_pool("DeleteIdentityPool", DeleteIdentityPoolInput) -> DeleteIdentityPoolOutput, DeleteIdentityPoolError;
            describe_identity("DescribeIdentity", DescribeIdentityInput) -> IdentityDescription, DescribeIdentityError;
            describe_identity_pool("DescribeIdentityPool", DescribeIdentityPoolInput) -> IdentityPool, DescribeIdentityPoolError;
            get_credentials_for_identity("GetCredentialsForIdentity", GetCredentialsForIdentityInput) -> GetCredentialsForIdentityResponse, GetCredentialsForIdentityError;
            get_id("GetId", GetIdInput) -> GetIdResponse, GetIdError;
            get_identity_pool_roles("GetIdentityPoolRoles", GetIdentityPoolRolesInput) -> GetIdentityPoolRolesResponse, GetIdentityPoolRolesError;
            get_open_id_token("GetOpenIdToken", GetOpenIdTokenInput) -> GetOpenIdTokenResponse, GetOpenIdTokenError;
            get_open_id_token_for_developer_identity("GetOpenIdTokenForDeveloperIdentity", GetOpenIdTokenForDeveloperIdentityInput) -> GetOpenIdTokenForDeveloperIdentityResponse, GetOpenIdTokenForDeveloperIdentityError;
            get_principal_tag_attribute_map("GetPrincipalTagAttributeMap", GetPrincipalTagAttributeMapInput) -> GetPrincipalTagAttributeMapResponse, GetPrincipalTagAttributeMapError;
            list_identities("ListIdentities", ListIdentitiesInput) -> ListIdentitiesResponse, ListIdentitiesError;
            list_identity_pools("ListIdentityPools", ListIdentityPoolsInput) -> ListIdentityPoolsResponse, ListIdentityPoolsError;
            list_tags_for_resource("ListTagsForResource", ListTagsForResourceInput) -> ListTagsForResourceResponse, ListTagsForResourceError;
            lookup_developer_identity("LookupDeveloperIdentity", LookupDeveloperIdentityInput) -> LookupDeveloperIdentityResponse, LookupDeveloperIdentityError;
            merge_developer_identities("MergeDeveloperIdentities", MergeDeveloperIdentitiesInput) -> MergeDeveloperIdentitiesResponse, MergeDeveloperIdentitiesError;
            set_identity_pool_roles("SetIdentityPoolRoles", SetIdentityPoolRolesInput) -> SetIdentityPoolRolesOutput, SetIdentityPoolRolesError;
            set_principal_tag_attribute_map("SetPrincipalTagAttributeMap", SetPrincipalTagAttributeMapInput) -> SetPrincipalTagAttributeMapResponse, SetPrincipalTagAttributeMapError;
            tag_resource("TagResource", TagResourceInput) -> TagResourceResponse, TagResourceError;
            unlink_developer_identity("UnlinkDeveloperIdentity", UnlinkDeveloperIdentityInput) -> UnlinkDeveloperIdentityOutput, UnlinkDeveloperIdentityError;
            unlink_identity("UnlinkIdentity", UnlinkIdentityInput) -> UnlinkIdentityOutput, UnlinkIdentityError;
            untag_resource("UntagResource", UntagResourceInput) -> UntagResourceResponse, UntagResourceError;
            update_identity_pool("UpdateIdentityPool", IdentityPool) -> IdentityPool, UpdateIdentityPoolError;
        }
    };
}
