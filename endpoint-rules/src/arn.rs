//! `aws.parseArn`: splits an Amazon Resource Name into the fields rules read.

/// The fields of an ARN (`arn:partition:service:region:accountId:resource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    /// The partition, e.g. `aws`.
    pub partition: String,
    /// The service namespace, e.g. `s3`.
    pub service: String,
    /// May be empty (global resources).
    pub region: String,
    /// May be empty.
    pub account_id: String,
    /// The resource, split at every `:` and `/`.
    pub resource_id: Vec<String>,
}

/// Parses `value`, or `None` when it is not an ARN: fewer than six `:`-separated fields, a
/// first field other than `arn`, or an empty partition, service or resource. The resource is
/// everything after the fifth `:`, so it may itself hold `:` and `/`.
pub fn parse_arn(value: &str) -> Option<Arn> {
    let mut fields = value.splitn(6, ':');
    let (arn, partition, service, region, account_id, resource) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    if arn != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.to_owned(),
        service: service.to_owned(),
        region: region.to_owned(),
        account_id: account_id.to_owned(),
        resource_id: resource.split([':', '/']).map(str::to_owned).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(value: &str) -> Option<Vec<String>> {
        parse_arn(value).map(|a| a.resource_id)
    }

    #[test]
    fn fields_and_resource_are_split() {
        let arn = parse_arn("arn:aws:s3:us-east-2:012345678:outpost:op-1234").unwrap();
        assert_eq!(arn.partition, "aws");
        assert_eq!(arn.service, "s3");
        assert_eq!(arn.region, "us-east-2");
        assert_eq!(arn.account_id, "012345678");
        assert_eq!(arn.resource_id, ["outpost", "op-1234"]);
        assert_eq!(
            resource("arn:aws:s3:us-west-2:123:accesspoint/my-ap/object:x"),
            Some(vec![
                "accesspoint".into(),
                "my-ap".into(),
                "object".into(),
                "x".into()
            ])
        );
        // Trailing and doubled separators give empty parts.
        assert_eq!(
            resource("arn:aws:s3:us-east-2:012345678:outpost::"),
            Some(vec!["outpost".into(), String::new(), String::new()])
        );
        assert_eq!(
            resource("arn:aws:s3:us-east-2:012345678:outpost:"),
            Some(vec!["outpost".into(), String::new()])
        );
    }

    #[test]
    fn region_and_account_may_be_empty() {
        let arn = parse_arn("arn:aws:iam::123456789012:user/Development/product_1234").unwrap();
        assert_eq!(arn.region, "");
        assert_eq!(arn.resource_id, ["user", "Development", "product_1234"]);
        assert_eq!(
            parse_arn("arn:aws:s3:us-east-1::resource-id")
                .unwrap()
                .account_id,
            ""
        );
    }

    #[test]
    fn non_arns_are_rejected() {
        for bad in [
            "asdf",
            "arn:aws:s3:us-west-2:123456789012:",
            "arn:aws::us-west-2:123456789012:resource-id",
            "arn::s3:us-west-2:123456789012:resource-id",
            "arn:aws:s3:us-west-2:123456789012",
            "nra:aws:s3:us-west-2:123456789012:x",
            "",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
    }
}
